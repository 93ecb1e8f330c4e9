"""Graph spec: load/dump as JSON and YAML without losing anything."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from runtime.spec import GraphSpec
from tests.runtime.conftest import make_spec


def sample() -> GraphSpec:
    return make_spec(
        {
            "a": (
                "sample_echo",
                {"value": "{{ inputs.topic }}"},
                {"timeout_s": 3, "error_strategy": "fail_branch"},
            )
        },
        ["start>a", "a>end"],
        [{"name": "topic", "description": "What to write about"}],
    )


def test_json_round_trip_is_lossless():
    spec = sample()
    assert GraphSpec.from_json(spec.to_json()) == spec


def test_yaml_round_trip_is_lossless():
    spec = sample()
    assert GraphSpec.from_yaml(spec.to_yaml()) == spec


def test_unknown_fields_are_rejected():
    with pytest.raises(ValidationError):
        GraphSpec.from_dict({"nodes": [{"id": "a", "type": "start", "colour": "red"}]})


def test_node_ids_must_be_usable_in_templates():
    with pytest.raises(ValidationError):
        GraphSpec.from_dict({"nodes": [{"id": "my node", "type": "start"}]})


def test_newer_format_versions_are_refused():
    with pytest.raises(ValidationError, match="newer"):
        GraphSpec.from_dict({"format_version": 99})
