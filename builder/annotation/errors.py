"""Error codes of annotation (stable: clients match on them)."""

from builder.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ScoreConfigInvalid(InvalidInput):
    code = "score_config_invalid"


class ScoreConfigInUse(Conflict):
    code = "score_config_in_use"


class ScoreInvalid(InvalidInput):
    code = "score_invalid"


class ScoreRequired(InvalidInput):
    code = "score_required"


class QueueInvalid(InvalidInput):
    code = "queue_invalid"


class RuleInvalid(InvalidInput):
    code = "rule_invalid"


class RunNotFound(NotFound):
    code = "run_not_found"


class ItemNotFound(NotFound):
    code = "item_not_found"


class NotAReviewer(PermissionDenied):
    code = "not_a_reviewer"


class NotClaimed(Conflict):
    code = "not_claimed"


class ClaimLost(Conflict):
    code = "claim_lost"


class SkipReasonRequired(InvalidInput):
    code = "skip_reason_required"


class NothingToExport(Conflict):
    code = "nothing_to_export"
