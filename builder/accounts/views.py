"""Server-rendered account pages: login, logout, accepting an invitation, workspace switch (a form
for browsers without JS)."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from builder.accounts import selectors, services
from builder.accounts.forms import InvitationSignUpForm
from builder.accounts.models import Invitation, InvitationStatus, Membership, Role
from builder.core.errors import ApplicationError, NotFound

# What a link that no longer opens says: a title and what to do next.
CLOSED_TEXT = {
    "not_found": (
        "This invitation link is not valid",
        "Check that you copied the whole link, or ask for a new one.",
    ),
    InvitationStatus.EXPIRED: (
        "This invitation has expired",
        "Invitations last 7 days. Ask an owner of the workspace to invite you again.",
    ),
    InvitationStatus.REVOKED: (
        "This invitation was withdrawn",
        "An owner of the workspace revoked it. Ask them for a new one if you still need access.",
    ),
    InvitationStatus.ACCEPTED: (
        "This invitation has already been used",
        "Each link works once. Sign in with the account it created.",
    ),
}


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: the invited person chooses a username and a password and joins; a
    signed-in user with the invited e-mail joins at once."""
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        return _closed(request, "not_found", status=404)
    state = invitation.status_at(timezone.now())
    if state != InvitationStatus.PENDING:
        return _closed(request, state, status=410)
    try:
        if request.user.is_authenticated:
            return _join(request, invitation)
        return _sign_up(request, invitation)
    except ApplicationError as exc:
        if exc.status == 410:  # used or revoked while the page was open
            invitation.refresh_from_db()
            return _closed(request, invitation.status_at(timezone.now()), status=410)
        raise


def _join(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    user = request.user
    if (getattr(user, "email", None) or "").lower() != invitation.email.lower():
        context = {"invitation": invitation, "signed_in_as": user.get_username()}
        return render(request, "accounts/invitation_other_user.html", context, status=403)
    membership = services.invitation_accept(invitation=invitation, user=user)
    return _enter(request, membership)


def _sign_up(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    if selectors.user_with_email(invitation.email) is not None:
        # The address got an account since the invitation: sign in, then come back to the link.
        login_url = f"{reverse('login')}?next={request.path}"
        context = {"invitation": invitation, "login_url": login_url}
        return render(request, "accounts/invitation_sign_in.html", context)
    form = InvitationSignUpForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        user, membership = services.invitation_sign_up(
            invitation=invitation, username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return _enter(request, membership)
    return render(request, "accounts/invitation.html", {"invitation": invitation, "form": form})


def _enter(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Into the app, in the workspace just joined: annotators at their queues."""
    services.session_workspace_set(session=request.session, workspace=membership.workspace)
    if membership.role == Role.ANNOTATOR:
        return HttpResponseRedirect(reverse("app-shell-path", kwargs={"path": "annotation"}))
    return HttpResponseRedirect(reverse("app-shell"))


def _closed(request: HttpRequest, state: str, *, status: int) -> HttpResponse:
    title, text = CLOSED_TEXT.get(state, CLOSED_TEXT["not_found"])
    return render(request, "accounts/invitation_closed.html", {"title": title, "text": text}, status=status)


@login_required
@require_POST
def workspace_switch(request):
    try:
        membership = selectors.membership_get(user=request.user, workspace_id=request.POST.get("workspace"))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    services.session_workspace_set(session=request.session, workspace=membership.workspace)
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return HttpResponseRedirect(target)
