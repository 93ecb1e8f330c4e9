"""Workspace scoping for API views: the URL's workspace is resolved through the user's membership
(404 for non-members) and each view names the capability it needs (403 when the role lacks it)."""

from __future__ import annotations

from typing import Final

from rest_framework.request import Request

from builder.accounts.models import Membership
from builder.accounts.selectors import membership_get
from builder.core.errors import PermissionDenied

# Needs no capability, only membership: what every role, annotators included, may reach.
ANY_MEMBER: Final = "any_member"


class WorkspaceScoped:
    """Mixin for APIViews under ``workspaces/<workspace_id>/``.

    ``capabilities`` maps HTTP methods to the capability they need (or ``ANY_MEMBER``); anything
    not listed needs ``view``, which annotators lack: they reach only what names ``annotate``.
    """

    capabilities: dict[str, str] = {}

    def initial(self, request: Request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.membership: Membership = membership_get(user=request.user, workspace_id=kwargs["workspace_id"])
        self.workspace = self.membership.workspace
        method = "GET" if request.method == "HEAD" else request.method
        needed = self.capabilities.get(method or "", "view")
        if needed != ANY_MEMBER and not self.membership.can(needed):
            raise PermissionDenied(
                f"Your role ({self.membership.role}) in this workspace does not allow this.",
                code="role_forbidden",
            )
