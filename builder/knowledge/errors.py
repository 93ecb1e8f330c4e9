"""Errors of the knowledge domain, each with a stable code that clients and tests match on."""

from __future__ import annotations

from builder.core.errors import ApplicationError, Conflict, InvalidInput


class UploadTooLarge(ApplicationError):
    """A file, or the whole upload, passes a configured limit (413)."""

    code = "upload_too_large"
    status = 413


class TooManyFiles(ApplicationError):
    code = "too_many_files"
    status = 413


class UnsupportedFileType(InvalidInput):
    code = "unsupported_file_type"


class EmptyFile(InvalidInput):
    code = "empty_file"


class FileContentMismatch(InvalidInput):
    """The bytes are not what the extension says (e.g. a '.pdf' that is no PDF)."""

    code = "file_content_mismatch"


class DocumentUnreadable(ApplicationError):
    """Parsing failed; the document ends in the ``failed`` state with this message as its reason."""

    code = "document_unreadable"
    status = 422


class EmbeddingModelMismatch(Conflict):
    code = "embedding_model_mismatch"


class EmbeddingModelUnavailable(InvalidInput):
    code = "embedding_model_unavailable"


class InvalidArchive(InvalidInput):
    code = "invalid_archive"


class DocumentBusy(Conflict):
    code = "document_busy"


class EmbeddingEndpointRefused(ApplicationError):
    """The knowledge base's embedding endpoint is closed by the address policy, found at call time
    (a base URL stored before save-time checks, or a name that now resolves inside); ``bad_url``
    when the stored URL cannot be sent at all."""

    code = "ssrf_blocked"
    status = 422
