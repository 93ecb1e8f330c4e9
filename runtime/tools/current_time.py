"""The ``current_time`` tool: the current date and time in an IANA time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from runtime.tools.base import Tool, ToolError
from runtime.tools.codes import ToolErrorCode

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def current_time(timezone: str = "UTC", *, clock: Clock = _utc_now) -> dict[str, Any]:
    """The time now in ``timezone`` (an IANA name such as ``Europe/Paris``).

    Raises ``bad_arguments`` for an unknown zone.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ToolError(
            ToolErrorCode.BAD_ARGUMENTS, f"unknown time zone {timezone!r}; use an IANA name"
        ) from None
    now = clock().astimezone(zone)
    return {
        "timezone": timezone,
        "iso": now.isoformat(timespec="seconds"),
        "date": now.date().isoformat(),
        "time": now.strftime("%H:%M:%S"),
        "weekday": now.strftime("%A"),
        "utc_offset": now.strftime("%z"),
        "unix": int(now.timestamp()),
    }


def current_time_tool(clock: Clock = _utc_now) -> Tool:
    """The ``current_time`` tool; ``clock`` (returning an aware datetime) is injectable for tests."""

    def run(timezone: str = "UTC") -> dict[str, Any]:
        return current_time(timezone, clock=clock)

    return Tool(
        name="current_time",
        description="Get the current date, time and weekday in a time zone (IANA name, default UTC).",
        parameters={
            "type": "object",
            "properties": {
                "timezone": {
                    "type": "string",
                    "description": "IANA time zone such as Europe/Paris",
                    "default": "UTC",
                }
            },
            "additionalProperties": False,
        },
        func=run,
    )
