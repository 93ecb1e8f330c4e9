"""The node registry: (type, version) -> node class. Stored JSON reaches code only here.

Built-ins are registered explicitly (:func:`default_registry`). Third-party packages add
node types through the ``llmops.nodes`` entry-point group; an entry point may name a node
class, an iterable of node classes, or a ``register(registry)`` function.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from importlib.metadata import entry_points
from typing import Any

from runtime.nodes.base import Node, NodeConfig
from runtime.spec import NodeSpec

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "llmops.nodes"


class UnknownNodeType(LookupError):
    def __init__(self, node_type: str, version: int | None, known_versions: list[int]):
        self.node_type = node_type
        self.version = version
        self.known_versions = known_versions
        if known_versions:
            super().__init__(f"node type {node_type!r} has no version {version} (known: {known_versions})")
        else:
            super().__init__(f"unknown node type {node_type!r}")


class NodeRegistry:
    """Maps ``(type, version)`` to node classes and exports their schemas for the editor."""

    def __init__(self) -> None:
        self._classes: dict[tuple[str, int], type[Node[Any]]] = {}

    def register(self, node_cls: type[Node[Any]]) -> type[Node[Any]]:
        """Add a node class (usable as a decorator). Re-registering the same key replaces it."""
        key = (node_cls.type, node_cls.version)
        if key in self._classes and self._classes[key] is not node_cls:
            log.warning("node type %s@%s re-registered by %s", *key, node_cls.__module__)
        self._classes[key] = node_cls
        return node_cls

    def register_all(self, classes: Iterable[type[Node[Any]]]) -> None:
        for cls in classes:
            self.register(cls)

    def get(self, node_type: str, version: int) -> type[Node[Any]]:
        try:
            return self._classes[(node_type, version)]
        except KeyError:
            versions = sorted(v for t, v in self._classes if t == node_type)
            raise UnknownNodeType(node_type, version, versions) from None

    def __contains__(self, key: tuple[str, int]) -> bool:
        return key in self._classes

    def types(self) -> list[tuple[str, int]]:
        return sorted(self._classes)

    def build(self, spec: NodeSpec) -> Node[Any]:
        """Instantiate a node from its spec: validates config (pydantic) and runs ``setup``."""
        cls = self.get(spec.type, spec.version)
        config: NodeConfig = cls.config_model.model_validate(spec.config)
        return cls(spec.id, config, self)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> list[str]:
        """Register node types published by installed packages; returns the entry-point names.

        A broken plugin is logged and skipped, never fatal.
        """
        loaded = []
        for ep in entry_points(group=group):
            try:
                target = ep.load()
                if isinstance(target, type) and issubclass(target, Node):
                    self.register(target)
                elif callable(target) and not isinstance(target, type):
                    target(self)
                else:
                    self.register_all(target)
                loaded.append(ep.name)
            except Exception:  # a plugin must not take the platform down
                log.exception("could not load node plugin %s", ep.name)
        return loaded

    def schemas(self) -> list[dict[str, Any]]:
        """JSON-ready description of every node type: the editor's palette and forms."""
        return [node_schema(cls) for _, cls in sorted(self._classes.items())]


def node_schema(cls: type[Node[Any]]) -> dict[str, Any]:
    return {
        "type": cls.type,
        "version": cls.version,
        "title": cls.title,
        "description": cls.description,
        "category": cls.category,
        "icon": cls.icon,
        "config_schema": cls.config_model.model_json_schema(),
        "outputs": [{"name": o.name, "type": o.type, "description": o.description} for o in cls.outputs],
        "handles": list(cls.handles),
        "dynamic_handles": cls.dynamic_handles,
        "streams": getattr(cls, "streams", False),
        "is_start": cls.is_start,
        "is_terminal": cls.is_terminal,
    }


_DEFAULT: NodeRegistry | None = None


def default_registry(*, entry_points_group: str | None = ENTRY_POINT_GROUP) -> NodeRegistry:
    """A registry with the built-in node types (and installed plugins). Cached per process."""
    global _DEFAULT
    if _DEFAULT is None:
        from runtime.nodes.builtin import BUILTIN_NODES

        registry = NodeRegistry()
        registry.register_all(BUILTIN_NODES)
        if entry_points_group:
            registry.load_entry_points(entry_points_group)
        _DEFAULT = registry
    return _DEFAULT
