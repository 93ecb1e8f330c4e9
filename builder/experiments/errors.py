"""Error codes of experiments (stable: clients match on them)."""

from builder.core.errors import Conflict, InvalidInput, NotFound


class CellNotFound(NotFound):
    code = "cell_not_found"


class VariantInvalid(InvalidInput):
    code = "variant_invalid"


class EvaluatorInvalid(InvalidInput):
    code = "evaluator_invalid"


class ExperimentStateConflict(Conflict):
    code = "experiment_state_conflict"


class NotAPromptVariant(Conflict):
    code = "not_a_prompt_variant"


class ShareNeedsAppVersion(InvalidInput):
    code = "share_needs_app_version"


class RowsInvalid(InvalidInput):
    code = "rows_invalid"
