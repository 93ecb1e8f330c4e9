"""Platform-wide tables that belong to no one domain."""

from __future__ import annotations

from django.db import models


class RateBucket(models.Model):
    """The state of one rate limit (an API key's, a web chat link's, …): the time its next
    request is due by the limit's steady rate. Every process counts here, so a limit holds
    across workers and machines."""

    name = models.CharField(max_length=200, unique=True)
    due_at = models.FloatField(help_text="Unix time; behind 'now' when the bucket is full.")

    def __str__(self) -> str:
        return self.name
