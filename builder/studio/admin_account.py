"""The operator's admin account for `make run`: never a fixed default password."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model


@dataclass(frozen=True)
class AdminLogin:
    username: str
    password: str | None  # None: unchanged since it was printed on the first start
    created: bool


def admin_ensure() -> AdminLogin:
    """Create the admin on first start with LLMOPS_ADMIN_PASSWORD or a generated password; when the
    variable is set later, the admin's password follows it."""
    User = get_user_model()
    username, wanted = settings.LLMOPS_ADMIN_USERNAME, settings.LLMOPS_ADMIN_PASSWORD
    user = User.objects.filter(username=username).first()
    if user is None:
        password = wanted or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=None, password=password)
        return AdminLogin(username, password, created=True)
    if wanted and not user.check_password(wanted):
        user.set_password(wanted)
        user.save(update_fields=["password"])
        return AdminLogin(username, wanted, created=False)
    return AdminLogin(username, wanted, created=False)
