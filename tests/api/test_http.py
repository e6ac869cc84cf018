"""The API through real HTTP (the live test server and urllib): every endpoint for every kind of
caller, each 200 checked against the OpenAPI document (the contract), errors as JSON, ETags, the
rate limit, and tokens that expired or were revoked."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from api.models import ApiToken
from api.services import revoke_token
from tests.access import Row
from tests.api import access_rows
from tests.api.helpers import http_get, token_for
from tests.api.openapi_check import operation_schema, problems
from tests.world import ROLES, build_world

pytestmark = pytest.mark.django_db(transaction=True)

API_ROWS = [row for row in access_rows.ROWS if row.headers is not None]


@pytest.fixture
def openapi(live_server) -> dict:
    reply = http_get(live_server.url + "/api/v1/openapi.json")
    assert reply.status == 200
    return reply.json()


@pytest.mark.parametrize("row", API_ROWS, ids=[r.url_name for r in API_ROWS])
def test_every_endpoint_for_every_caller_matches_the_matrix_and_the_contract(row: Row, live_server, openapi):
    world = build_world()
    kwargs = row.kwargs(world) if row.kwargs else {}
    path = reverse(row.url_name, kwargs=kwargs)
    failures = []
    for role in ROLES:
        secret = token_for(world.user(role)) if role != "anonymous" else None
        reply = http_get(live_server.url + path, secret)
        if reply.status != row.expect[role]:
            failures.append(f"{role}: expected {row.expect[role]}, got {reply.status}")
            continue
        assert reply.headers["Content-Type"].startswith("application/json"), (role, reply.headers["Content-Type"])
        body = reply.json()
        found = problems(openapi, operation_schema(openapi, path, reply.status), body)
        assert not found, f"{path} as {role}: the response departs from the OpenAPI document: {found}"
        if reply.status == 401:
            assert reply.headers["WWW-Authenticate"].startswith("Bearer")
            assert "token" in body["detail"]
    assert not failures, f"{path}: " + "; ".join(failures)


def test_the_openapi_document_describes_every_endpoint_with_the_bearer_scheme(openapi):
    assert openapi["openapi"].startswith("3.")
    schemes = openapi["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values() if s["type"] == "http"] == ["bearer"]
    operations = {item["get"]["operationId"]: item["get"] for item in openapi["paths"].values()}
    assert len(operations) == len(API_ROWS), "one documented operation per endpoint"
    assert all(set(item) == {"get"} for item in openapi["paths"].values()), "the API is read-only"
    for operation in operations.values():
        assert operation["security"], operation["operationId"]
        assert {"200", "401", "404", "429"} <= set(operation["responses"]), operation["operationId"]


def test_the_docs_page_loads_its_scripts_from_the_portal_under_the_security_headers(live_server):
    reply = http_get(live_server.url + "/api/v1/docs")
    assert reply.status == 200
    html = reply.body.decode()
    assert "Content-Security-Policy" in reply.headers
    assert "script-src 'self'" in reply.headers["Content-Security-Policy"]
    assert "cdn" not in html.lower() and "https://" not in html
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert f"/static/{asset}" in html
        assert http_get(f"{live_server.url}/static/{asset}").status == 200, asset
    # No inline script to run: the only <script> without src carries JSON settings.
    tags = re.findall(r"<script[^>]*>", html)
    assert tags and all("src=" in tag or 'type="application/json"' in tag for tag in tags), tags


def test_an_unchanged_result_is_not_sent_again(live_server):
    world = build_world()
    secret = token_for(world.user("lead"))
    url = live_server.url + "/api/v1/partnerships"
    first = http_get(url, secret)
    etag = first.headers["ETag"]
    assert first.status == 200 and etag.startswith('"')
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = http_get(url, secret, {"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    assert again.headers["ETag"] == etag
    # A change to what the result shows gives a new ETag and the new body.
    world.partnership.name = "Matrix Teaching Partnership (renamed)"
    world.partnership.save()
    changed = http_get(url, secret, {"If-None-Match": etag})
    assert changed.status == 200 and changed.headers["ETag"] != etag
    assert changed.json()["items"][0]["name"] == "Matrix Teaching Partnership (renamed)"


def test_paging_through_more_than_one_page_with_the_cursor(live_server):
    from tests import factories as f

    world = build_world()
    for n in range(7):
        f.OrganisationFactory(name=f"Paged Council {n}")
    secret = token_for(world.user("member"))
    seen: list[int] = []
    url = live_server.url + "/api/v1/organisations?limit=3"
    pages = 0
    while url:
        reply = http_get(url, secret)
        assert reply.status == 200
        body = reply.json()
        assert len(body["items"]) <= 3
        seen += [o["id"] for o in body["items"]]
        pages += 1
        url = live_server.url + "/api/v1/organisations?limit=3&cursor=" + body["next"] if body["next"] else ""
    from partnerships.models import Organisation

    assert pages >= 4
    assert seen == sorted(Organisation.objects.values_list("pk", flat=True)), "every row once, in order"
    tampered = http_get(live_server.url + "/api/v1/organisations?cursor=eyJhZnRlciI6MX0", secret)
    assert tampered.status == 400 and "cursor" in tampered.json()["detail"]


def test_too_many_requests_get_429_with_retry_after(live_server, settings):
    settings.API_RATE_LIMIT = (3, 60)
    world = build_world()
    secret = token_for(world.user("member"))
    other = token_for(world.user("lead"))
    url = live_server.url + "/api/v1/partnerships"
    assert [http_get(url, secret).status for _ in range(3)] == [200, 200, 200]
    refused = http_get(url, secret)
    assert refused.status == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "3 requests a minute" in refused.json()["detail"]
    assert http_get(url, other).status == 200, "the limit is per token"


def test_expired_and_revoked_tokens_get_401(live_server, frozen_clock):
    world = build_world()
    lead = world.user("lead")
    url = live_server.url + "/api/v1/partnerships"
    revoked = token_for(lead, name="Revoked")
    assert http_get(url, revoked).status == 200
    revoke_token(world.user("admin"), ApiToken.objects.get(name="Revoked"))
    assert http_get(url, revoked).status == 401
    expiring = token_for(lead, name="Short", days=1)
    assert http_get(url, expiring).status == 200
    frozen_clock.shift(dt.timedelta(days=2))
    reply = http_get(url, expiring)
    assert reply.status == 401 and reply.headers["WWW-Authenticate"].startswith("Bearer")
    assert http_get(url, "ptp_not-a-real-token").status == 401
    assert http_get(url, None, {"Authorization": "Basic bGVhZDpwYXNz"}).status == 401


def test_a_token_limited_to_one_partnership_sees_only_that_one(live_server):
    from partnerships.models import Role
    from tests import factories as f

    world = build_world()
    lead = world.user("lead")
    f.MembershipFactory(user=lead, partnership=world.other_partnership, role=Role.MEMBER)
    everything = token_for(lead)
    limited = token_for(lead, partnership_ids=[world.other_partnership.pk])
    url = live_server.url + "/api/v1/partnerships"
    assert {p["slug"] for p in http_get(url, everything).json()["items"]} == {"matrix-tp", "elsewhere"}
    assert [p["slug"] for p in http_get(url, limited).json()["items"]] == ["elsewhere"]
    assert http_get(url + "/matrix-tp", limited).status == 404
    assert json.loads(http_get(url + "/matrix-tp", everything).body)["slug"] == "matrix-tp"


def test_organisations_carry_their_official_codes(live_server):
    from tests import factories as f

    world = build_world()
    council = f.OrganisationFactory(name="Coded Borough Council", kind="la", gss_code="E09000007")
    secret = token_for(world.user("member"))
    reply = http_get(f"{live_server.url}/api/v1/organisations/{council.pk}", secret)
    assert reply.status == 200
    body = reply.json()
    assert body["gss_code"] == "E09000007" and body["ukprn"] == ""
