"""Error codes of annotation replies (stable: clients match on them)."""

from builder.core.errors import InvalidInput, NotFound


class ReplyNotFound(NotFound):
    code = "reply_not_found"


class ReplyInvalid(InvalidInput):
    """A question or answer that is empty or too long."""

    code = "reply_invalid"


class ThresholdInvalid(InvalidInput):
    code = "reply_threshold_invalid"

