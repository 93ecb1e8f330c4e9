"""The current workspace and the switcher's choices, for every server-rendered page."""

from builder.accounts.selectors import memberships_of, session_membership


def workspace(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = session_membership(user=user, session=request.session)
    return {"current_membership": current, "memberships": list(memberships_of(user=user))}
