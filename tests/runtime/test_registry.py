"""Registry: (type, version) lookup, entry-point plugins, schemas for the editor."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from runtime import registry as registry_module
from runtime.registry import NodeRegistry, UnknownNodeType, default_registry
from tests.runtime.conftest import EchoNode


def test_default_registry_has_the_builtin_nodes():
    types = {t for t, _ in default_registry().types()}
    assert {
        "start",
        "end",
        "answer",
        "template",
        "branch",
        "aggregate",
        "iteration",
        "retrieval",
        "prompt",
        "classifier",
    } <= types


def test_unknown_version_names_the_known_ones():
    with pytest.raises(UnknownNodeType, match=r"known: \[1\]"):
        default_registry().get("branch", 2)


def test_schemas_describe_config_outputs_and_handles():
    schemas = {s["type"]: s for s in default_registry().schemas()}
    branch = schemas["branch"]
    assert branch["title"] and branch["description"] and branch["icon"] and branch["category"]
    assert "cases" in branch["config_schema"]["properties"]
    assert branch["dynamic_handles"]
    assert {o["name"] for o in schemas["prompt"]["outputs"]} == {"text", "json", "usage"}
    json.dumps(schemas)


def test_every_builtin_config_field_has_a_title():
    for schema in default_registry().schemas():
        for name, prop in schema["config_schema"].get("properties", {}).items():
            assert "title" in prop, f"{schema['type']}.{name}"


def test_entry_point_plugins_are_registered(monkeypatch):
    plugin = SimpleNamespace(name="echo", load=lambda: EchoNode)
    broken = SimpleNamespace(name="broken", load=lambda: (_ for _ in ()).throw(ImportError("missing dep")))
    monkeypatch.setattr(registry_module, "entry_points", lambda group: [plugin, broken])
    registry = NodeRegistry()
    assert registry.load_entry_points() == ["echo"]
    assert registry.get("sample_echo", 1) is EchoNode
