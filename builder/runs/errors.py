"""Error codes of runs (stable: clients match on them)."""

from builder.core.errors import InvalidInput


class RunFilterInvalid(InvalidInput):
    """A filter of the run list has a value the server cannot use (its details say which)."""

    code = "invalid_filter"
