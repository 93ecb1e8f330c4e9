"""Error codes of runs (stable: clients match on them)."""

from __future__ import annotations

from builder.core.errors import InvalidInput
from runtime.errors import InputInvalid


class RunFilterInvalid(InvalidInput):
    """A filter of the run list has a value the server cannot use (its details say which)."""

    code = "invalid_filter"


class InputsInvalid(InvalidInput):
    """A run's inputs do not fit the app's declared inputs: a required one missing or null, a
    value of the wrong type, an input the app does not take. ``details``: one
    ``{"field": "inputs.<name>", "message"}`` per wrong input. The editor's runs and the public
    API answer it alike."""

    code = "inputs_invalid"

    @classmethod
    def of(cls, exc: InputInvalid) -> InputsInvalid:
        return cls(exc.message, details=exc.problems)
