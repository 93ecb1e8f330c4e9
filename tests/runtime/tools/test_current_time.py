from datetime import UTC, datetime

import pytest

from runtime.tools import ToolError, ToolRegistry
from runtime.tools.current_time import current_time_tool

FIXED = datetime(2026, 3, 1, 12, 30, 5, tzinfo=UTC)


@pytest.fixture
def registry() -> ToolRegistry:
    return ToolRegistry([current_time_tool(clock=lambda: FIXED)])


async def test_time_in_an_iana_zone(registry: ToolRegistry) -> None:
    result = await registry.call("current_time", {"timezone": "Asia/Tokyo"})
    assert result["iso"] == "2026-03-01T21:30:05+09:00"
    assert (result["weekday"], result["utc_offset"], result["unix"]) == (
        "Sunday",
        "+0900",
        int(FIXED.timestamp()),
    )


async def test_default_zone_is_utc(registry: ToolRegistry) -> None:
    result = await registry.call("current_time", {})
    assert (result["timezone"], result["time"]) == ("UTC", "12:30:05")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "", "Europe"])
async def test_unknown_zones_are_bad_arguments(registry: ToolRegistry, zone: str) -> None:
    with pytest.raises(ToolError) as caught:
        await registry.call("current_time", {"timezone": zone})
    assert caught.value.code == "bad_arguments"


async def test_real_clock_gives_an_aware_now() -> None:
    result = await ToolRegistry([current_time_tool()]).call("current_time", {"timezone": "Europe/Paris"})
    assert datetime.fromisoformat(result["iso"]).tzinfo is not None
