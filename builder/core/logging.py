"""Keeps secrets out of logs: values that look like credentials are masked in every record
(the rules are :mod:`builder.core.redaction`'s)."""

from __future__ import annotations

import logging

from builder.core.redaction import redact_text as redact

__all__ = ["RedactSecretsFilter", "redact"]


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
