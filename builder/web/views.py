"""The pages a signed-in user lands on: the app shell that mounts the single-page app."""

from django.contrib.auth.decorators import login_required
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render

from builder.accounts.selectors import session_membership
from builder.web.frontend import frontend_assets


@login_required
def home(request):
    return redirect("app-shell")


@login_required
def app_shell(request, path: str = ""):
    membership = session_membership(user=request.user, session=request.session)
    context = {
        "assets": frontend_assets(),
        "membership": membership,
        "csrf_token_value": get_token(request),
    }
    return render(request, "web/app.html", context)
