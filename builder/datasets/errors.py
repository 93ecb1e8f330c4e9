"""Error codes of datasets (stable: clients match on them)."""

from builder.core.errors import Conflict, InvalidInput, NotFound


class DatasetVersionNotFound(NotFound):
    code = "dataset_version_not_found"


class DatasetNameTaken(Conflict):
    code = "dataset_name_taken"


class DatasetEmpty(Conflict):
    code = "dataset_empty"


class RowsInvalid(InvalidInput):
    code = "rows_invalid"


class TooManyRows(InvalidInput):
    code = "too_many_rows"


class FileInvalid(InvalidInput):
    code = "file_invalid"


class GridInvalid(InvalidInput):
    code = "grid_invalid"


class DatasetInUse(Conflict):
    code = "dataset_in_use"
