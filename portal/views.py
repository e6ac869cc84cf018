"""Core views: the dashboard, the health probe and the account pages."""

from __future__ import annotations

import sys

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import health
from portal.forms import LoginForm, SetPasswordPortalForm
from portal.registry import attention_for, narrow_home_for, panels_for

# The most pressing items show at once; the rest are one click away, so the page stays a glance.
ATTENTION_SHOWN = 8


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """What needs doing now, for this user; the blocks come from the apps' registrations. Someone
    with a narrow home (a student, a practice educator) is sent to it."""
    home = narrow_home_for(request.user)
    if home:
        return redirect(home)
    attention = attention_for(request.user)
    return render(
        request,
        "portal/dashboard.html",
        {
            "attention": attention[:ATTENTION_SHOWN],
            "attention_more": attention[ATTENTION_SHOWN:],
            "attention_count": len(attention),
            "overdue_count": sum(1 for item in attention if item.overdue),
            "panels": panels_for(request.user),
        },
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and uptime checks: 200 when every check passes (the database, the
    private file store, the audit chain and what apps register, portal/health.py), else 503."""
    ok, body = health.report()
    return JsonResponse(body, status=200 if ok else 503)


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordPortalForm


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The link in an invitation e-mail: the new person chooses a password and is signed in.

    It uses Django's password-reset tokens, so the link stops working once a password is set
    (the token covers the password hash) and after PASSWORD_RESET_TIMEOUT."""

    form_class = SetPasswordPortalForm
    extra_context = {"invitation": True}
    post_reset_login = True
    post_reset_login_backend = "partnerships.auth.PortalBackend"
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set and you are signed in. Welcome to the portal.")
        return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500, called while the exception is being handled. A lost database
    connection (the database restarting, or connections dropped by an operator) is a moment's
    outage, not a fault in the page: say so with a 503 and Retry-After, so people and proxies try
    again; the next request connects afresh. Plain templates: nothing here may need the database."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        # Drop the broken connection now, so the next request in this process connects afresh
        # (a web server's request_finished does this too, the test client does not). Only when a
        # connection exists and failed: asking about a missing one would try to connect.
        if connection.connection is not None and connection.errors_occurred:
            connection.close_if_unusable_or_obsolete()
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
