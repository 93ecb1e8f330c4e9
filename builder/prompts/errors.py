"""Error codes of the prompt library (stable: clients match on them)."""

from builder.core.errors import Conflict, InvalidInput, NotFound


class PromptNotFound(NotFound):
    code = "prompt_not_found"


class PromptVersionNotFound(NotFound):
    code = "prompt_version_not_found"


class PromptLabelNotFound(NotFound):
    code = "prompt_label_not_found"


class PromptNameTaken(Conflict):
    code = "prompt_name_taken"


class PromptUnchanged(Conflict):
    code = "prompt_unchanged"


class LabelUnchanged(Conflict):
    code = "label_unchanged"


class NothingToRollBack(Conflict):
    code = "nothing_to_roll_back"


class TemplateInvalid(InvalidInput):
    code = "template_invalid"


class PromptFileInvalid(InvalidInput):
    code = "prompt_file_invalid"
