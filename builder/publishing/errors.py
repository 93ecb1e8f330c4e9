"""Error codes of publishing and of the public API (stable: clients match on them)."""

from builder.core.errors import ApplicationError, Conflict, InvalidInput, NotFound, PermissionDenied


class LabelNotFound(NotFound):
    code = "label_not_found"


class LabelUnchanged(Conflict):
    code = "label_unchanged"


class LabelProtected(Conflict):
    code = "label_protected"


class NothingToRollBack(Conflict):
    code = "nothing_to_roll_back"


class KeyScopeInvalid(InvalidInput):
    code = "api_key_scope_invalid"


class NotAuthenticated(ApplicationError):
    """No key, a malformed key, an unknown key or a revoked key."""

    code = "invalid_api_key"
    status = 401


class WrongScope(PermissionDenied):
    code = "api_key_scope"


class RateLimited(ApplicationError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after


class AppNotPublished(NotFound):
    code = "app_not_found"


class RunNotFound(NotFound):
    code = "run_not_found"


class FeedbackGiven(Conflict):
    """A web chat answer already rated by a visitor: the link is public, so one vote per answer
    keeps a visitor from tipping a run's verdict by voting again."""

    code = "feedback_given"


class RequestTooLarge(ApplicationError):
    code = "request_too_large"
    status = 413


class BadRequest(InvalidInput):
    code = "invalid_request"


class NotPublishedYet(Conflict):
    code = "app_not_published"


class PromptsCurrent(Conflict):
    """Republishing would change nothing: every library prompt is what its reference names now."""

    code = "prompts_current"


class AppInvalid(Conflict):
    """The app (or the version a label would serve) cannot run: ``details.issues`` lists the
    errors (code, message, node_id, edge_id, field), ``details.warnings`` what is only shown."""

    code = "app_invalid"


class ChatNotFound(NotFound):
    """A web chat link that is unknown, rotated away or turned off: one answer for all three, so a
    caller learns nothing about which links exist."""

    code = "chat_not_found"


class SplitInvalid(InvalidInput):
    """A traffic split that cannot be served: ``details`` lists ``{"field", "message"}`` per
    problem (``arms``, ``arms[1].version``, ``arms[0].weight``, ``version``)."""

    code = "split_invalid"


class LabelNotSplit(Conflict):
    """Ending or promoting a split on a label that serves one version."""

    code = "label_not_split"
