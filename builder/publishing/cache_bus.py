"""A process-wide generation number: publishing writes bump it so that the public gateway in the
same process drops its cached keys and labels at once (other processes expire theirs within
seconds)."""

from __future__ import annotations

_generation = 0


def bump() -> None:
    global _generation
    _generation += 1


def generation() -> int:
    return _generation
