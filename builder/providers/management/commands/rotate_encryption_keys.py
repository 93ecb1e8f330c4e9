"""Re-encrypt every stored secret with the first of LLMOPS_ENCRYPTION_KEYS (see
builder.config.encryption_keys for the whole rotation)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from builder.providers import crypto
from builder.providers.models import Provider


class Command(BaseCommand):
    help = "Re-encrypt every stored provider key with the first key of LLMOPS_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            for provider in Provider.objects.select_for_update().exclude(key_encrypted=""):
                provider.key_encrypted = crypto.rotated(provider.key_encrypted)
                provider.save(update_fields=["key_encrypted"])
                count += 1
        self.stdout.write(f"Re-encrypted {count} provider key{'s' if count != 1 else ''} with the first key.")
