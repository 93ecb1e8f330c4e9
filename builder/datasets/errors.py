"""Error codes of datasets (stable: clients match on them); rows that cannot be read keep the
runtime's codes (``rows_invalid``, ``too_many_rows``, ``file_invalid``)."""

from collections.abc import Iterator
from contextlib import contextmanager

from builder.core.errors import Conflict, InvalidInput, NotFound
from runtime.evaluation.rows import RowsError


class DatasetVersionNotFound(NotFound):
    code = "dataset_version_not_found"


class DatasetNameTaken(Conflict):
    code = "dataset_name_taken"


class DatasetEmpty(Conflict):
    code = "dataset_empty"


class TooManyRows(InvalidInput):
    code = "too_many_rows"


class GridInvalid(InvalidInput):
    code = "grid_invalid"


class DatasetInUse(Conflict):
    code = "dataset_in_use"


@contextmanager
def reading_rows() -> Iterator[None]:
    """Rows that cannot be read answer 400 with the runtime's code and details."""
    try:
        yield
    except RowsError as exc:
        raise InvalidInput(exc.message, code=exc.code, details=exc.details) from None
