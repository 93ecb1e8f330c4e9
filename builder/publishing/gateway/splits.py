"""Which arm of a label's A/B traffic split serves a call.

An end user (``user`` on ``/v1/apps/{slug}/run`` and ``/v1/chat/completions``, the visitor on the
web chat) always lands on the same arm while the split is unchanged: the SHA-256 of app, label and
user, read as a number, picks a point in [0, total weight). Arms are laid out in version order, so
when the weights change only the users at the moving boundary change arms. A call without a user
picks a point at random. Either way it is a hash or a random number: no query per call."""

from __future__ import annotations

import hashlib
import random

Arms = tuple[tuple[int, int], ...]  # (version id, weight) by version number

_random = random.SystemRandom()


def sticky_point(app_id: int, label: str, user: str, total: int) -> int:
    """The user's point in [0, ``total``): the same for the same app, label and user."""
    digest = hashlib.sha256(f"{app_id}\x1f{label}\x1f{user}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % total


def arm_for(arms: Arms, *, app_id: int, label: str, user: str | None) -> int:
    """The version id that serves this call: sticky for ``user``, random by weight without one."""
    total = sum(weight for _, weight in arms)
    point = sticky_point(app_id, label, user, total) if user else _random.randrange(total)
    for version_id, weight in arms:
        if point < weight:
            return version_id
        point -= weight
    return arms[-1][0]  # unreachable: point < total
