"""The one way a YAML file that a user sends is read: ``yaml.safe_load`` without anchors and
aliases. An alias costs nothing to parse and everything after it: a few kilobytes of nested
aliases stand for billions of nodes once a check walks them or JSON spells them out."""

from __future__ import annotations

from typing import Any

import yaml


class AliasRefused(yaml.YAMLError):
    """The document uses an anchor or alias (``&name`` / ``*name``)."""


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise AliasRefused("YAML aliases (*name) are not accepted: write the value out")
        return super().compose_node(parent, index)


def load_user_yaml(text: str | bytes) -> Any:
    """Parse ``text`` as safe YAML; raises ``yaml.YAMLError`` (``AliasRefused`` for an alias)."""
    return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
