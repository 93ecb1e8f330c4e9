"""Search indexes that Django's model Meta cannot express: one partial HNSW (cosine) index per
supported vector size (pgvector indexes need a fixed size), and a GIN index on the tsvector."""

from django.db import migrations

DIMENSIONS = (384, 512, 768, 1024, 1536)


def _hnsw(dims: int) -> migrations.RunSQL:
    name = f"knowledge_chunk_hnsw_{dims}"
    return migrations.RunSQL(
        f"CREATE INDEX {name} ON knowledge_chunk USING hnsw ((embedding::vector({dims})) vector_cosine_ops) "
        f"WITH (m = 16, ef_construction = 64) WHERE dims = {dims}",
        f"DROP INDEX IF EXISTS {name}",
    )


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        *(_hnsw(dims) for dims in DIMENSIONS),
        migrations.RunSQL(
            "CREATE INDEX knowledge_chunk_search_vector ON knowledge_chunk USING gin (search_vector)",
            "DROP INDEX IF EXISTS knowledge_chunk_search_vector",
        ),
    ]
