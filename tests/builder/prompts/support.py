"""Prompt library test data: a two-variable prompt version's content."""

from __future__ import annotations

from typing import Any


def content(system: str = "You are a {{ role }}.", user: str = "Explain {{ topic }} briefly.", **model: Any) -> dict:
    return {
        "messages": [{"role": "system", "template": system}, {"role": "user", "template": user}],
        "variables": [
            {"name": "role", "type": "text", "description": "Who answers", "default": "teacher"},
            {"name": "topic", "type": "text", "description": "What to explain"},
        ],
        "model": {"provider": "local", "model": "smollm2-135m-instruct", "temperature": 0.2, **model},
        "commit_message": "first",
    }


def base(member) -> str:
    return f"/api/workspaces/{member.workspace.pk}/prompts/"
