"""Server-rendered account pages: login, logout, workspace switch (a form for browsers without JS)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from builder.accounts import selectors, services
from builder.core.errors import NotFound


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


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
