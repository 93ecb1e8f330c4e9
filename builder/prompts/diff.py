"""What changed between two versions of a prompt: messages paired by position (the word-level
diff is drawn by the client), the model parameters and the variables that differ."""

from __future__ import annotations

from typing import Any

from builder.prompts.models import PromptVersion

PARAMETERS = ("provider", "model", "temperature", "top_p", "max_tokens", "stop", "seed", "json_mode", "response_schema")


def version_diff(old: PromptVersion, new: PromptVersion) -> dict[str, Any]:
    count = max(len(old.messages), len(new.messages))
    messages = []
    for i in range(count):
        before = old.messages[i] if i < len(old.messages) else None
        after = new.messages[i] if i < len(new.messages) else None
        messages.append({"index": i, "from": before, "to": after, "changed": before != after})
    parameters = [
        {"field": name, "from": old.model.get(name), "to": new.model.get(name)}
        for name in PARAMETERS if old.model.get(name) != new.model.get(name)
    ]
    before_vars = {v["name"]: v for v in old.variables}
    after_vars = {v["name"]: v for v in new.variables}
    variables = [
        {"name": name, "from": before_vars.get(name), "to": after_vars.get(name)}
        for name in dict.fromkeys([*before_vars, *after_vars])
        if before_vars.get(name) != after_vars.get(name)
    ]
    return {"messages": messages, "parameters": parameters, "variables": variables}
