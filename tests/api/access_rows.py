"""Who may call each API endpoint and open each token page. API rows send the role's own token
(`Authorization: Bearer`) instead of signing in: anonymous callers get 401, outsiders 404, as on
the pages."""

from api.models import ApiToken
from tests.access import LOGIN, Row, members, public, signed_in, site_admin_only
from tests.api.helpers import bearer
from tests.healthcheck import factories as hf
from tests.memoranda.factories import active_memorandum
from tests.placements.factories import placements_world


def api(expect: dict) -> dict:
    """A page's expectations for the API: no token is 401 where the page sends to sign in."""
    return {role: 401 if value == LOGIN else value for role, value in expect.items()}


def _slug(w):
    return {"slug": w.partnership.slug}


def _slug_with_placements(w):
    placements_world(w)
    return _slug(w)


def _with_placements(w):
    placements_world(w)
    return {}


def _organisation(w):
    return {"pk": w.employer.pk}


def _memorandum(w):
    return {"pk": active_memorandum(w)[0].pk}


def _health_check(w):
    return {"pk": hf.signed_off(w).pk}


def _token(w):
    from tests.api.helpers import token_for

    token_for(w.user("member"))
    return {"pk": ApiToken.objects.get(owner=w.user("member")).pk}


# Rows per student: coordinators and leads (and the outsider, who leads another partnership and
# so gets that partnership's rows: none of this one's). Students and practice educators who sign
# in (participants/) hold the right nowhere, like a member.
STUDENT_ROWS = {
    **api(members()),
    "non_member": 200,
    "member": 403,
    "signatory": 403,
    "student": 403,
    "educator": 403,
}

ROWS: list[Row] = [
    Row("api_v1:partnership_list", api(signed_in()), headers=bearer),
    Row("api_v1:partnership_detail", api(members()), kwargs=_slug, headers=bearer),
    Row("api_v1:organisation_list", api(signed_in()), headers=bearer),
    Row("api_v1:organisation_detail", api(signed_in()), kwargs=_organisation, headers=bearer),
    Row("api_v1:memorandum_list", api(signed_in()), headers=bearer),
    Row("api_v1:memorandum_detail", api(members()), kwargs=_memorandum, headers=bearer),
    Row("api_v1:health_check_list", api(signed_in()), headers=bearer),
    Row("api_v1:health_check_detail", api(members()), kwargs=_health_check, headers=bearer),
    Row("api_v1:sufficiency", api(members()), kwargs=_slug_with_placements, headers=bearer),
    Row("api_v1:placement_figures", api(members()), kwargs=_slug_with_placements, headers=bearer),
    Row("api_v1:workforce", api(members()), kwargs=_slug, headers=bearer),
    Row("api_v1:educator_currency", api(signed_in()), kwargs=_with_placements, headers=bearer),
    Row("api_v1:offer_list", api(signed_in()), kwargs=_with_placements, headers=bearer),
    Row("api_v1:placement_list", STUDENT_ROWS, kwargs=_with_placements, headers=bearer, note="student rows"),
    Row("api_v1:api-root", public(404), note="nothing at the root: the docs are at /api/v1/docs"),
    Row("api_v1:openapi-json", public(), note="the API's description is public"),
    Row("api_v1:openapi-view", public(), note="the interactive docs; calls need a token"),
    Row("api:token_list", signed_in()),
    Row("api:token_admin", site_admin_only()),
    Row("api:token_revoke", signed_in(405), kwargs=_token, note="POST only"),
]
