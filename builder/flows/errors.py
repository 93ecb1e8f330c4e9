"""Error codes of the apps domain."""

from builder.core.errors import ApplicationError, Conflict, InvalidInput


class DraftConflict(Conflict):
    code = "draft_conflict"


class GraphInvalid(InvalidInput):
    code = "graph_invalid"


class GraphMalformed(InvalidInput):
    """The graph JSON does not even have the spec's shape (as opposed to validation issues)."""

    code = "graph_malformed"


class ImportRefused(ApplicationError):
    code = "import_refused"
    status = 400
