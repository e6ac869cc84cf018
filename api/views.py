"""Token pages: your tokens (make, see, revoke) and, for site administrators, every token."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from api.forms import TokenForm
from api.models import ApiToken
from api.services import can_revoke, create_token, revoke_token
from partnerships.auth import AuthenticatedHttpRequest
from portal.flows import GET_ONLY, GET_POST, POST_ONLY
from portal.forms import submit
from portal.paging import paginate


def _tokens():
    return ApiToken.objects.select_related("owner", "revoked_by").prefetch_related("partnerships")


# The new token's secret rides in the session from the POST to the page after it (one GET), so
# reloading that page or going back never shows it again.
NEW_SECRET_KEY = "api_new_token"


@login_required
@GET_POST
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Your tokens and the form to make one; straight after making one, its secret, shown once."""
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST":
        saved, result = submit(
            form,
            lambda data: create_token(
                request.user, name=data["name"], expires_on=data["expires_on"], partnership_ids=form.partnership_ids()
            ),
        )
        if saved and result is not None:
            token, secret = result
            request.session[NEW_SECRET_KEY] = [token.pk, secret]
            return redirect("api:token_list")
    new = request.session.pop(NEW_SECRET_KEY, None)
    if new is not None and request.method == "GET":
        token = _tokens().filter(pk=new[0], owner=request.user).first()
        if token is not None:
            response = render(request, "api/token_created.html", {"token": token, "secret": new[1]})
            response["Cache-Control"] = "no-store"
            return response
    tokens = list(_tokens().filter(owner=request.user))
    return render(request, "api/token_list.html", {"form": form, "tokens": tokens})


@login_required
@POST_ONLY
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = _tokens().filter(pk=pk).first()
    if token is None or not can_revoke(request.user, token):
        raise Http404("No such token")
    revoke_token(request.user, token)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("api:token_admin" if request.POST.get("from") == "admin" else "api:token_list")


@login_required
@GET_ONLY
def token_admin(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_site_admin:
        raise PermissionDenied("Only site administrators can see everyone's API tokens.")
    paged = paginate(request, _tokens().order_by("-created_at", "-id"), per_page=50)
    return render(request, "api/token_admin.html", paged)
