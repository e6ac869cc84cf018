"""The read-only JSON API, version 1, at /api/v1/ (django-ninja): the routers of each resource,
the token check on every operation, ETags, and errors as JSON a program can act on."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.openapi.docs import Swagger

from api.auth import RateLimited, TokenAuth
from api.endpoints import healthchecks, memoranda, partnerships, placements, workforce


class PortalAPI(NinjaAPI):
    def create_response(self, request: HttpRequest, data, *, status: int | None = None, temporal_response=None):
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        return with_etag(request, response)


def with_etag(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A strong ETag over the body of a successful GET; `If-None-Match` with it gets 304 and no
    body. The figures are worked out either way (they are the pages' own), but an unchanged
    result costs the caller nothing to download again."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    # Per token: never kept by a shared cache; a client may keep it and ask again.
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization"
    wanted = [tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")]
    if etag in wanted or "*" in wanted:
        not_modified = HttpResponseNotModified()
        for header in ("ETag", "Cache-Control", "Vary"):
            not_modified[header] = response[header]
        return not_modified
    return response


api = PortalAPI(
    title="Partnership portal API",
    version="1",
    description=(
        "Read-only figures and records of the partnerships you belong to: the same figures the pages show. "
        "Authenticate with a personal access token: `Authorization: Bearer ptp_…`. See docs/api.md."
    ),
    auth=TokenAuth(),
    urls_namespace="api_v1",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, detail: str, **headers) -> HttpResponse:
    response = api.create_response(request, {"detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return _error(
        request,
        401,
        "A valid API token is needed: send `Authorization: Bearer ptp_…` with a token that has not expired "
        "or been revoked.",
        **{"WWW-Authenticate": 'Bearer realm="api"'},
    )


@api.exception_handler(RateLimited)
def too_many(request, exc: RateLimited):
    return _error(
        request,
        429,
        f"Too many requests: this token may make {exc.limit} requests a minute. Try again in {exc.retry_after} seconds.",
        **{"Retry-After": str(exc.retry_after)},
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "Not found")


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, 403, str(exc) or "You cannot see this")


api.add_router("/partnerships", partnerships.router)
api.add_router("/organisations", partnerships.organisations)
api.add_router("/memoranda", memoranda.router)
api.add_router("/health-checks", healthchecks.router)
api.add_router("/", placements.router)
api.add_router("/", workforce.router)
