"""What a score config accepts: checking a config's own settings and a reviewer's value for it."""

from __future__ import annotations

import math
from typing import Any

from builder.annotation.errors import ScoreConfigInvalid, ScoreInvalid
from builder.annotation.models import ScoreConfig, ScoreKind

MAX_OPTIONS = 10
MAX_TEXT = 10_000


def config_settings_checked(*, kind: str, options: Any, min_value: Any, max_value: Any, step: Any) -> dict[str, Any]:
    """The settings a config of ``kind`` keeps (the others cleared), or 400 score_config_invalid."""
    if kind not in ScoreKind.values:
        raise ScoreConfigInvalid(f"kind is one of {', '.join(ScoreKind.values)}.", details={"field": "kind"})
    cleared: dict[str, Any] = {"options": [], "min_value": None, "max_value": None, "step": None}
    if kind == ScoreKind.CATEGORICAL:
        names = [str(o).strip() for o in (options or []) if str(o).strip()]
        if not 2 <= len(names) <= MAX_OPTIONS or len(set(names)) != len(names):
            raise ScoreConfigInvalid(
                f"A categorical config has 2 to {MAX_OPTIONS} distinct options.", details={"field": "options"}
            )
        return {**cleared, "options": names}
    if kind == ScoreKind.NUMERIC:
        if min_value is None or max_value is None or not float(min_value) < float(max_value):
            raise ScoreConfigInvalid("A numeric config needs min < max.", details={"field": "max"})
        step = 1.0 if step is None else float(step)
        if step <= 0:
            raise ScoreConfigInvalid("step must be above 0.", details={"field": "step"})
        return {**cleared, "min_value": float(min_value), "max_value": float(max_value), "step": step}
    return cleared


def level_of(config: ScoreConfig) -> str | None:
    """How agreement treats the config's values: names, a rating scale, or measurements."""
    if config.kind in (ScoreKind.CATEGORICAL, ScoreKind.BOOLEAN):
        return "nominal"
    if config.kind == ScoreKind.NUMERIC:
        assert config.min_value is not None and config.max_value is not None and config.step
        levels = (config.max_value - config.min_value) / config.step + 1
        whole = float(config.step).is_integer() and float(config.min_value).is_integer()
        return "ordinal" if whole and levels <= 11 else "interval"
    return None


def score_checked(config: ScoreConfig, value: Any) -> Any:
    """The value as stored, or ScoreInvalid naming the config."""

    def bad(message: str) -> ScoreInvalid:
        return ScoreInvalid(f"{config.name}: {message}", details={str(config.pk): message})

    if config.kind == ScoreKind.CATEGORICAL:
        if value not in config.options:
            raise bad(f"choose one of {', '.join(config.options)}.")
        return value
    if config.kind == ScoreKind.BOOLEAN:
        if not isinstance(value, bool):
            raise bad("true or false.")
        return value
    if config.kind == ScoreKind.NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise bad("a number.")
        assert config.min_value is not None and config.max_value is not None and config.step
        if not config.min_value <= value <= config.max_value:
            raise bad(f"between {config.min_value:g} and {config.max_value:g}.")
        steps = (value - config.min_value) / config.step
        if abs(steps - round(steps)) > 1e-9:
            raise bad(f"in steps of {config.step:g}.")
        return int(value) if float(value).is_integer() else float(value)
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise bad(f"text of at most {MAX_TEXT:,} characters.")
    return value
