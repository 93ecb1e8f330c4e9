"""Rebuild the HNSW indexes of knowledge chunks, with build memory sized to their rows: after a
bulk load, or after pgvector was upgraded to one with ``halfvec`` (the indexes then shrink)."""

from django.core.management.base import BaseCommand

from builder.knowledge.capabilities import HALFVEC, VECTOR
from builder.knowledge.indexes import DIMENSIONS, rebuild


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dims", type=int, choices=DIMENSIONS, help="only the index of this vector size")
        parser.add_argument("--kind", choices=(HALFVEC, VECTOR), help="default: the best the database has")

    def handle(self, *args, dims=None, kind=None, **options):
        for size in [dims] if dims else DIMENSIONS:
            took = rebuild(size, kind)
            self.stdout.write(f"knowledge_chunk_hnsw_{size}: built in {took:.1f} s")
