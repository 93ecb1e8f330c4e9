"""What one render may do: :class:`TemplateLimits`, and the budget a render spends from.

The budget of the render in progress lives in a ``ContextVar``, so the guards of the sandbox
find it without being handed it.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass

from runtime.errors import TemplateError
from runtime.templates.sizing import _Sizer


@dataclass(frozen=True, slots=True)
class TemplateLimits:
    """Caps for one render.

    * ``max_output_chars``: the rendered text, and any one text value the template builds
      (a string, or the text of a value it prints, joins or formats);
    * ``max_work_chars``: everything one render builds, together: output, ``{% set %}``
      captures, macro results, intermediate strings (their characters) and lists (8 per
      element). It bounds a render's memory (well under 64 MB at the default) and its work;
      never less than ``max_output_chars``;
    * ``max_ops``: loop iterations, calls and filters;
    * ``max_seconds``: wall time, checked every 256 operations;
    * ``max_range``: the length of a ``range()``;
    * ``max_int_bits``: the size of an integer built by ``*`` or ``**``.
    """

    max_output_chars: int = 200_000
    max_work_chars: int = 2_000_000
    max_ops: int = 200_000
    max_seconds: float = 1.0
    max_range: int = 10_000
    max_int_bits: int = 4_096


DEFAULT_LIMITS = TemplateLimits()


def _too_big(limits: TemplateLimits, what: str) -> TemplateError:
    return TemplateError(
        f"{what} exceeds the template size limit ({limits.max_output_chars})", code="template_limit"
    )


class _Budget:
    """One render's allowances: operations, time, and the characters it may build."""

    __slots__ = ("chars", "deadline", "limits", "ops")

    def __init__(self, limits: TemplateLimits):
        self.limits = limits
        self.ops = limits.max_ops
        self.chars = max(limits.max_work_chars, limits.max_output_chars)
        self.deadline = time.perf_counter() + limits.max_seconds

    def tick(self) -> None:
        self.ops -= 1
        if self.ops <= 0:
            raise TemplateError(f"template exceeded {self.limits.max_ops} operations", code="template_limit")
        if not self.ops & 255 and time.perf_counter() > self.deadline:
            raise TemplateError(f"template ran longer than {self.limits.max_seconds}s", code="template_limit")

    def spend(self, n: int) -> None:
        """Count work that builds values (lists, keys, text) against the allowance."""
        self.chars -= n
        if self.chars < 0:
            raise TemplateError(
                f"template built more than {max(self.limits.max_work_chars, self.limits.max_output_chars)} "
                "characters of text and values (output, captures and intermediate values)",
                code="template_limit",
            )

    def spend_text(self, n: int, what: str) -> None:
        """Count a text value about to be built; one value is capped at ``max_output_chars``."""
        if n > self.limits.max_output_chars:
            raise _too_big(self.limits, what)
        self.spend(n)

    def spend_sized(self, like: object, n: int, what: str) -> None:
        """Count a string of n characters (like ``like``) or a list of n elements before it is built."""
        if isinstance(like, (str, bytes)):
            self.spend_text(n, what)
        elif n > self.limits.max_output_chars:
            raise _too_big(self.limits, what)
        else:
            self.spend(8 * n + 56)

    def measure(self, value: object, quoted: bool = False, style: str = "str", step: int | None = None) -> int:
        """Estimated length of ``str(value)`` (or its repr, json, pformat), bounded by what is left."""
        if type(value) is str and not quoted and style == "str":
            return len(value)
        return _Sizer(min(self.chars, self.limits.max_output_chars), style, step).measure(value, quoted)

    def stringify(self, value: object, what: str) -> int:
        """The length of ``str(value)``, counting the text when an operation builds it first."""
        if isinstance(value, str):
            return len(value)
        n = self.measure(value)
        self.spend_text(n, what)
        return n


_BUDGET: ContextVar[_Budget] = ContextVar("template_budget")


def _budget() -> _Budget:
    # Raises LookupError outside a render: Jinja's compile-time constant folding then leaves
    # the expression to run time, where it is bounded.
    return _BUDGET.get()
