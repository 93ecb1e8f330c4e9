"""Error codes of the playground (stable: clients match on them)."""

from builder.core.errors import InvalidInput


class TooManyColumns(InvalidInput):
    code = "too_many_columns"


class NoColumns(InvalidInput):
    code = "no_columns"


class ModelNotConfigured(InvalidInput):
    code = "model_not_configured"


class TemplateInvalid(InvalidInput):
    code = "template_invalid"


class PromptInvalid(InvalidInput):
    code = "prompt_invalid"
