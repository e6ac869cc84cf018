"""The pages the security suite visits: every access-matrix row, plus the pages whose forms (or
downloads) only appear in a particular state, built here the way the matrix rows build theirs.

A form that a page shows only in some state (the sign-off form once a health check is submitted,
"Send for signature" once a draft is complete, "Import" once a file is checked) is reached
through a Visit below; tests/security/test_form_coverage.py fails when a URL that acts on a
POST has no form anywhere in the visits.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from healthcheck.models import FrameworkStatus, Rag
from placements.models import ImportBatch, ImportKind, ImportStatus
from tests.factories import PASSWORD
from tests.healthcheck import factories as hf
from tests.memoranda.factories import active_memorandum, ready_memorandum
from tests.placements.factories import placements_world
from tests.test_access_matrix import ROWS
from tests.world import ROLES, World

# The role that posts a form several roles can see: the one allowed to do the most.
ROLE_ORDER = (
    "lead",
    "coordinator",
    "signatory",
    "member",
    "admin",
    "educator",
    "student",
    "non_member",
    "anonymous",
)


@dataclass
class Visit:
    url_name: str
    kwargs: Callable[[World], dict] | None = None
    query: str = ""
    # Who opens the page: every visitor kind by default (each response's headers are checked,
    # and a form one role sees and another does not is still found).
    roles: tuple[str, ...] = tuple(ROLES)
    # Follow redirects to the page (a password-reset link redirects to its form).
    follow: bool = False
    note: str = ""
    from_matrix: bool = False

    @property
    def id(self) -> str:
        suffix = f"?{self.query}" if self.query else ""
        return f"{self.url_name}{suffix}{'[' + self.note + ']' if self.note else ''}"


# --- States whose forms the matrix rows do not show ----------------------------------------------


def _rated(w):
    hc = hf.health_check(w)
    for rating in hc.ratings.select_related("criterion"):
        hf.rate(w, hc, rating.criterion.code, Rag.GREEN)
    return {"pk": hc.pk}


def _submitted(w):
    hc = hf.health_check(w)
    hf.complete(w, hc)
    return {"pk": hc.pk}


def _with_suggestion(w):
    # A live figure on A1 suggests a rating, so the form asks why a different one is chosen.
    fw = hf.framework(family="suggested", metric_key="memorandum.signed_covering_all_partners", green_at=1)
    return {"pk": hf.health_check(w, fw=fw).pk, "code": "A1"}


def _draft_framework(w):
    return {"framework_pk": hf.framework(family="draft", status=FrameworkStatus.DRAFT).pk}


def _own_placement(w):
    from tests.participants.access_rows import _own

    return _own(w)


def _ready(w):
    return {"pk": ready_memorandum(w).pk}


def _signed_memoranda(w):
    active_memorandum(w)
    return {"slug": w.partnership.slug}


def _signed_version(w):
    memorandum, version = active_memorandum(w)
    return {"pk": memorandum.pk, "number": version.number}


def _checked_batch(w):
    batch = ImportBatch(
        partnership=w.partnership,
        kind=ImportKind.EDUCATORS,
        original_name="educators.csv",
        status=ImportStatus.CHECKED,
        row_count=1,
        to_create=1,
    )
    batch.file.save("educators.csv", ContentFile(b"full_name,email\nPat Educator,pat@example.org\n"), save=True)
    return {"pk": batch.pk}


def _checked_workforce_import(w):
    from workforce.models import ImportStatus as WorkforceImportStatus
    from workforce.models import WorkforceImport

    batch = WorkforceImport(
        partnership=w.partnership, original_name="dfe.csv", status=WorkforceImportStatus.CHECKED, row_count=1
    )
    batch.file.save(
        "dfe.csv",
        ContentFile(
            b"time_period,geographic_level,country_code,country_name,inpost_fte\n202324,National,E92000001,England,5\n"
        ),
        save=True,
    )
    return {"pk": batch.pk}


def _with_placements(w):
    # Lists offer their downloads (?export=csv or xlsx) only when they have rows.
    placements_world(w)
    return {}


def _slug_with_placements(w):
    placements_world(w)
    return {"slug": w.partnership.slug}


def _round_with_proposal(w):
    """A closed preference round with a pin and a proposal: the proposal page's unpin form and
    the confirm form show."""
    from matching import services as matching_services
    from matching.models import Pin, PinKind, RoundStatus
    from tests.matching.factories import round_world

    made = round_world(w, status=RoundStatus.CLOSED)
    Pin.objects.create(round=made["round"], student=made["students"][0], offer=made["offers"][0], kind=PinKind.PIN)
    matching_services.run_proposal(w.user("lead"), made["round"])
    return {"pk": made["round"].pk}


def _reset_link(w):
    user = w.user("member")
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


def _with_calendar_link(w):
    from calendars.services import create_feed

    create_feed(w.user("member"), partnership=w.partnership)
    return {}


STATE_VISITS: list[Visit] = [
    Visit("healthcheck:submit", _rated, roles=("lead",), note="every criterion rated"),
    Visit("matching:proposal", _round_with_proposal, roles=("lead",), note="closed, pinned and proposed"),
    Visit("matching:confirm", _round_with_proposal, roles=("lead",), note="closed, pinned and proposed"),
    Visit("healthcheck:sign_off", _submitted, roles=("signatory",), note="submitted"),
    Visit("healthcheck:detail", _submitted, roles=("signatory", "lead"), note="submitted"),
    Visit("healthcheck:change_signatory", _submitted, roles=("lead",), note="submitted"),
    Visit("healthcheck:criterion", _with_suggestion, roles=("lead",), note="with a suggested rating"),
    Visit("healthcheck:framework_detail", _draft_framework, roles=("admin",), note="a draft"),
    Visit("memoranda:send", _ready, roles=("lead",), note="complete draft"),
    Visit("memoranda:detail", _ready, roles=("lead", "signatory"), note="complete draft"),
    Visit("memoranda:export", _signed_memoranda, roles=("lead",), follow=True, note="with a signed memorandum"),
    Visit("memoranda:version_pdf", _signed_version, roles=("member",), note="signed"),
    Visit("placements:import_detail", _checked_batch, roles=("lead",), note="checked, ready to import"),
    Visit("workforce:import_detail", _checked_workforce_import, roles=("lead",), note="checked, ready to import"),
    Visit("placements:list", _with_placements, roles=("lead",), note="with placements"),
    Visit("placements:offer_list", _with_placements, roles=("lead",), note="with offers"),
    Visit("placements:student_list", _with_placements, roles=("lead",), note="with students"),
    Visit("placements:educator_list", _with_placements, roles=("lead",), note="with educators"),
    Visit(
        "placements:programme_list",
        _slug_with_placements,
        query="year=2026/27",
        roles=("lead",),
        note="with programmes",
    ),
    Visit("placements:quality", _slug_with_placements, query="year=2026/27", roles=("lead",), note="with placements"),
    Visit(
        "placements:sufficiency",
        _with_placements,
        query="partnership=matrix-tp&year=2026/27",
        roles=("lead",),
        note="with placements",
    ),
    Visit("calendars:feed_list", _with_calendar_link, roles=("member",), note="with a link"),
    Visit("password_reset_confirm", _reset_link, roles=("anonymous",), follow=True, note="valid link"),
    Visit("invitation_accept", _reset_link, roles=("anonymous",), follow=True, note="valid link"),
    # The matrix also opens these for a placement that is not theirs (404 for everyone): the forms
    # are on the student's and the educator's own placement.
    Visit("participants:record_days", _own_placement, roles=("student",), note="their own placement"),
    Visit("participants:complete_review", _own_placement, roles=("educator",), note="their student's placement"),
]


def matrix_visits() -> list[Visit]:
    return [
        Visit(row.url_name, row.kwargs, row.query, note=row.note[:30] if row.note else "", from_matrix=True)
        for row in ROWS
    ]


def all_visits() -> list[Visit]:
    return matrix_visits() + STATE_VISITS


# --- What a generic guess gets wrong -------------------------------------------------------------

# Typical values for fields whose sensible value the page cannot tell (the signer's own name,
# the password); the suite starts from these and spoils one field at a time.
from workforce.measures import ENTERED  # noqa: E402

TYPICAL: dict[str, dict] = {
    "memoranda:sign": {"typed_name": "Sam Signatory", "authority": "on", "password": PASSWORD},
    "healthcheck:sign_off": {"password": PASSWORD},
    # The practice educator signs a review (participants/): their name and password, a date in the placement.
    "participants:complete_review": {
        "typed_name": "Eddie Educator",
        "declaration": "on",
        "password": PASSWORD,
        "completed_on": "2026-10-12",
    },
    "participants:record_days": {"week_ending": "2026-09-18", "days": "5"},
    "password_change": {
        "old_password": PASSWORD,
        "new_password1": "a-new-long-pass-phrase",
        "new_password2": "a-new-long-pass-phrase",
    },
    "partnerships:partnership_create": {"slug": ""},
    # Official codes have a fixed form; a council's may be left empty.
    "partnerships:organisation_edit": {"gss_code": "", "ukprn": ""},
    "partnerships:organisation_create": {"gss_code": "", "ukprn": ""},
    # A number or a DfE symbol in every box of an employer's figures.
    "workforce:figures_edit": {m.name: "12" if m.whole else "c" for m in ENTERED if m.name != "inpost_fte"},
    "workforce:forecast": {"name": "Retention up"},
    "login": {"username": "lead@matrix.test", "password": PASSWORD},
    # One offer ranked: a guess picks the same first offer for every rank, which is refused.
    "matching:preferences": {"choice_2": "", "choice_3": ""},
}


# --- Which forms the suite must reach ------------------------------------------------------------

# URLs that only take a POST have their form on another page: the visit (by id) that shows it.
FORM_ON = {
    "logout": "dashboard",
    "session_keep_alive": "dashboard",  # the timeout warning, on every signed-in page
    "healthcheck:add_evidence": "healthcheck:criterion",
    "healthcheck:add_action": "healthcheck:criterion",
    "healthcheck:refresh_figures": "healthcheck:detail",
    "healthcheck:framework_new_version": "healthcheck:framework_detail",
    "healthcheck:framework_publish": "healthcheck:framework_detail[a draft]",
    "calendars:feed_revoke": "calendars:feed_list[with a link]",
    "calendars:feed_renew": "calendars:feed_list[with a link]",
    "matching:round_move": "matching:round_detail",
    "matching:remove_student": "matching:round_detail",
    "matching:proposal_run": "matching:proposal",
    "matching:unpin": "matching:proposal[closed, pinned and proposed]",
}


def _views(patterns=None, namespace: str = ""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":  # Django's own admin is Django's to test
                yield from _views(
                    pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                )
        elif pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def _says_post(view) -> bool:
    """Whether a view does something with a POST: a class-based view with post(), a decorator
    that allows POST (require_http_methods keeps its list in a closure), or "POST" in its code."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    while view is not None:
        if isinstance(view, functools.partial):  # django-ninja's docs views: the function inside
            view = view.func
        for cell in getattr(view, "__closure__", None) or ():
            value = cell.cell_contents
            if isinstance(value, list | tuple | set | frozenset) and "POST" in value:
                return True
        if "POST" in inspect.getsource(view):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


@functools.cache
def post_only() -> set[str]:
    """URLs whose matrix row answers 405 to a GET from someone allowed: they only take a POST."""
    return {row.url_name for row in ROWS if 405 in row.expect.values()}


@functools.cache
def acting_on_post() -> set[str]:
    return {name for name, view in _views() if _says_post(view)} | post_only()


def form_targets(visit: Visit) -> set[str]:
    """The URLs a form on this visit's page must post to: its own (if it acts on a POST and the
    page shows the form) and those whose form lives here (FORM_ON). A page whose form shows only
    in a particular state leaves it to the state visit."""
    acting = acting_on_post()
    own = {visit.url_name} & (acting - post_only())
    if visit.from_matrix and any(v.url_name == visit.url_name for v in STATE_VISITS):
        own = set()
    return own | {target for target, page in FORM_ON.items() if page == visit.id}
