"""Error codes of alerts (stable: clients match on them)."""

from builder.core.errors import InvalidInput


class RuleInvalid(InvalidInput):
    """A rule's settings are wrong; ``details`` maps each field at fault to its messages."""

    code = "rule_invalid"

