"""The ReAct text protocol the agent node falls back to for models without tool calling.

The model is told the tools and the format; it answers in text::

    Thought: I need to compute this.
    Action: calculator
    Action Input: {"expression": "2 + 2"}

and receives ``Observation: <result>`` in the next user turn, until it writes
``Final Answer: ...``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from runtime.tools.base import Tool

STOP_SEQUENCES = ["\nObservation:"]

_ACTION = re.compile(r"^[ \t]*Action[ \t]*:[ \t]*(?P<name>[^\n]+?)[ \t]*$", re.MULTILINE | re.IGNORECASE)
_INPUT = re.compile(
    r"^[ \t]*Action[ \t]*Input[ \t]*:[ \t]*(?P<input>.*)", re.MULTILINE | re.IGNORECASE | re.DOTALL
)
_FINAL = re.compile(
    r"^[ \t]*Final[ \t]*Answer[ \t]*:[ \t]*(?P<answer>.*)", re.MULTILINE | re.IGNORECASE | re.DOTALL
)
_FENCE = re.compile(r"^```[a-zA-Z]*\s*(?P<body>.*?)\s*```", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ReactAction:
    """The model asked for ``tool`` with ``arguments`` (a dict, or raw text it could not parse)."""

    tool: str
    arguments: dict[str, Any] | str


@dataclass(frozen=True, slots=True)
class ReactFinal:
    answer: str


def react_instructions(tools: list[Tool]) -> str:
    """The system-prompt section that teaches the model the tools and the format."""
    lines = ["You can use these tools:", ""]
    for tool in tools:
        schema = json.dumps(tool.parameters.get("properties", {}), ensure_ascii=False)
        lines.append(f"- {tool.name}: {tool.description} Arguments (JSON object): {schema}")
    names = ", ".join(tool.name for tool in tools)
    lines += [
        "",
        "Use exactly this format:",
        "",
        "Thought: what to do next",
        f"Action: the tool to use, one of [{names}]",
        "Action Input: the tool arguments as one JSON object",
        "Observation: the tool result (given to you; never write it yourself)",
        "... (Thought/Action/Action Input/Observation can repeat)",
        "Thought: I now know the final answer",
        "Final Answer: the answer to the user",
    ]
    return "\n".join(lines)


def parse_react(text: str, tools: dict[str, Tool]) -> ReactAction | ReactFinal:
    """Read the model's turn: the first of an action or a final answer; plain text is final."""
    action = _ACTION.search(text)
    final = _FINAL.search(text)
    if action and (final is None or action.start() < final.start()):
        after = text[action.end() :]
        found = _INPUT.search(after)
        raw = found.group("input") if found else ""
        raw = raw.split("\nObservation:", 1)[0].strip()
        name = action.group("name").strip().strip("`'\"")
        return ReactAction(name, _arguments(raw, tools.get(name)))
    if final:
        return ReactFinal(final.group("answer").strip())
    return ReactFinal(text.strip())


def _arguments(raw: str, tool: Tool | None) -> dict[str, Any] | str:
    fenced = _FENCE.match(raw)
    if fenced:
        raw = fenced.group("body")
    try:
        parsed = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        parsed = raw
    if isinstance(parsed, dict):
        return parsed
    # A bare value for a one-parameter tool ("Action Input: 2 + 2" for the calculator).
    required = tool.parameters.get("required", []) if tool else []
    if tool is not None and len(required) == 1:
        return {required[0]: parsed}
    return raw
