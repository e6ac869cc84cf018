"""Every form in the portal, fed hostile input, answers with errors (a 200 that shows them, or a
400) or, where the input is legitimately accepted, stores it and shows it escaped; never a 500,
and a refused post stores nothing (the whole database is compared). Every form also refuses a
post without its CSRF token. Every response met on the way carries the security headers, and
every download is a private attachment.

The pages are every access-matrix row, opened as every kind of visitor, plus the states in
tests/security/states.py where a form only shows in some state; so a new form is attacked as
soon as its page has a row. Each form starts from sensible values (what the page holds, else
what a person would type) and one field at a time is spoiled, so the hostile value reaches the
service rather than stopping at "this field is required". Each post runs in a savepoint that is
rolled back, so every post meets the page in the same state.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import filetype
import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from tests.security import crawl
from tests.security.crawl import Field, Form
from tests.security.states import ROLE_ORDER, TYPICAL, Visit, all_visits, form_targets

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RAW_MARKUP = ("<script>alert", "onerror=alert(1)>")
# Markup and SQL metacharacters in one value: stored as text and shown escaped, or refused.
MARKUP_AND_SQL = f"{SCRIPT}'; DROP TABLE portal_user; --"
# Longer than any text the portal should take in one field.
OVER_LONG = "x" * 100_001
HUGE = "9" * 20  # beyond a 64-bit integer

TEXT_VALUES = [("over-long", OVER_LONG), ("markup and SQL", MARKUP_AND_SQL), ("null byte", "abc\x00def")]
NUMBER_VALUES = [("wrong type", "twelve"), ("huge", HUGE), ("negative", "-1")]
DATE_VALUES = [
    ("31 February", "31/02/2026"),
    ("day 32", "32/01/2026"),
    ("year 10000", "10000-01-01"),
    ("year 0001", "0001-01-01"),
    ("31 December 9999", "9999-12-31"),
]
# A number too big for the database is also not an option; a NUL byte breaks PostgreSQL lookups.
CHOICE_VALUES = [("huge id", HUGE), ("null byte", "1\x00")]
HIDDEN_VALUES = [("wrong type", "twelve"), ("huge", HUGE), ("null byte", "1\x00"), ("over-long", OVER_LONG)]
QUERY_VALUES = [("null byte", "1\x00"), ("markup", SCRIPT), ("huge", HUGE)]
NEXT_VALUES = [("off-site", "https://evil.example/"), ("protocol-relative", "//evil.example/")]
# Text a person types, which a form shown again with errors must still hold (not passwords).
KEPT_KINDS = {"text", "textarea", "email", "url", "tel", "search"}
# Dates outside these years are refused, never stored (nothing in the portal is that old or far off).
FAR_DATE_VALUES = ("0001-01-01", "9999-12-31")
REFUSED = (200, 400, 403, 404, 409)
# The health probe answers load balancers in JSON; it is not a file.
# Answers for programs, not files: the health check and the API's public OpenAPI description.
NOT_DOWNLOADS = ("/healthz", "/api/v1/openapi.json")
SKIPPED_ACTIONS = ("/accounts/logout/", "/admin/logout/")
ERROR_MARKS = ("govuk-error-summary", "govuk-error-message")


def kind_of(f: Field) -> str:
    if f.kind in ("text", "search") and (f.name.endswith("_on") or "date" in f.name):
        return "date"
    return f.kind


def hostile_values(f: Field) -> list[tuple[str, str]]:
    kind = kind_of(f)
    if f.name == "csrfmiddlewaretoken":
        return []  # forged posts are tried on their own (see forge)
    if f.name == "next":
        return NEXT_VALUES + HIDDEN_VALUES[:2]
    if kind in crawl.TEXT_KINDS:
        return TEXT_VALUES
    if kind == "number":
        return NUMBER_VALUES
    if kind == "date":
        return DATE_VALUES
    if kind in crawl.CHOICE_KINDS:
        return CHOICE_VALUES
    if kind == "hidden":
        return HIDDEN_VALUES
    return []


@dataclass
class Page:
    url: str
    forms: dict[tuple, Form] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    downloads: set[str] = field(default_factory=set)
    query_role: str = ""
    query_names: set[str] = field(default_factory=set)


def _client(world, role: str, **kwargs) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    if role != "anonymous":
        client.force_login(world.user(role))
    return client


def check_headers(response, what: str) -> list[str]:
    """The headers every response carries; a download is also a private attachment."""
    problems = []
    h = response.headers
    download = response.status_code == 200 and "html" not in h.get("Content-Type", "html")
    csp = h.get("Content-Security-Policy", "")
    scripts = [d for d in csp.split(";") if d.strip().startswith(("script-src", "default-src"))]
    if not scripts or any("unsafe-inline" in d or "unsafe-eval" in d for d in scripts):
        problems.append(f"{what}: Content-Security-Policy allows inline scripts or is missing: {csp!r}")
    if h.get("X-Frame-Options") != "DENY":
        problems.append(f"{what}: X-Frame-Options is {h.get('X-Frame-Options')!r}")
    if h.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{what}: X-Content-Type-Options is {h.get('X-Content-Type-Options')!r}")
    if not h.get("Referrer-Policy"):
        problems.append(f"{what}: no Referrer-Policy")
    if download and urlsplit(response.wsgi_request.path).path not in NOT_DOWNLOADS:
        problems += check_download(response, what)
    return problems


def check_download(response, what: str) -> list[str]:
    """A download is an attachment (never shown in the browser as a page), kept by no cache, and
    is what its Content-Type says."""
    h = response.headers
    problems = []
    if not h.get("Content-Disposition", "").startswith("attachment;"):
        problems.append(f"{what}: a download that is not an attachment: {h.get('Content-Disposition')!r}")
    cache = h.get("Cache-Control", "")
    if "private" not in cache or "no-store" not in cache:
        problems.append(f"{what}: a download shared caches may keep: Cache-Control {cache!r}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = h.get("Content-Type", "").split(";")[0].strip()
    if not _is(content_type, body):
        problems.append(f"{what}: the content is not {content_type} (starts {body[:20]!r})")
    return problems


def _is(content_type: str, body: bytes) -> bool:
    if content_type in ("text/csv", "application/json"):
        try:
            text = body.decode("utf-8-sig")
            json.loads(text) if content_type == "application/json" else list(csv.reader(io.StringIO(text)))
        except ValueError:
            return False
        return True
    if content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        return (
            zipfile.is_zipfile(io.BytesIO(body)) and "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(body)).namelist()
        )
    if content_type == "application/zip":
        return zipfile.is_zipfile(io.BytesIO(body))
    if content_type == "text/calendar":  # calendars' feeds
        import icalendar

        try:
            return icalendar.Calendar.from_ical(body).name == "VCALENDAR"
        except ValueError:
            return False
    kind = filetype.guess(body[:8192])
    return kind is not None and kind.mime == content_type


def open_page(visit: Visit, world) -> Page:
    """GET the page as each visitor (the most powerful first): collect its forms and query
    parameters, check every response's headers, and fetch the downloads its links offer."""
    kwargs = visit.kwargs(world) if visit.kwargs else None
    url = reverse(visit.url_name, kwargs=kwargs) + (f"?{visit.query}" if visit.query else "")
    page = Page(url)
    for role in sorted(visit.roles, key=ROLE_ORDER.index):
        client = page.clients[role] = _client(world, role)
        response = client.get(url, follow=visit.follow)
        where = response.redirect_chain[-1][0] if visit.follow and response.redirect_chain else url
        page.problems += check_headers(response, f"GET {where} as {role}")
        if response.status_code != 200 or "html" not in response.headers.get("Content-Type", ""):
            continue
        parsed = crawl.parse(response.content.decode(), where)
        page.problems += [f"GET {where} as {role}: {b}, which the policy blocks" for b in sorted(set(parsed.blocked))]
        for form in parsed.forms:
            form.role = role
            page.forms.setdefault(form.key, form)
        if not page.query_role:
            page.query_role, page.query_names, page.url = role, parsed.query_names, where
        for link in sorted({link for link in parsed.links if "export=" in link} - page.downloads):
            page.downloads.add(link)
            download = client.get(link)
            page.problems += check_headers(download, f"GET {link} as {role}")
    return page


def spoil_query(page: Page) -> list[str]:
    """Filters, page numbers and the other query parameters a page reads, one at a time spoiled:
    the page ignores or refuses them, never fails."""
    problems: list[str] = []
    if not page.query_names:
        return problems
    client = page.clients[page.query_role]
    base = urlsplit(page.url)
    for name in sorted(page.query_names):
        for label, value in QUERY_VALUES:
            query = urlencode([*((k, v) for k, v in parse_qsl(base.query) if k != name), (name, value)])
            url = f"{base.path}?{query}"
            response = client.get(url)
            what = f"GET {base.path}?{name}={label} as {page.query_role}"
            if response.status_code >= 500:
                problems.append(f"{what}: server error")
            elif response.status_code == 200 and any(
                mark in response.content.decode(errors="replace") for mark in RAW_MARKUP
            ):
                problems.append(f"{what}: the markup is shown unescaped")
    return problems


def _location(response, action: str) -> str:
    return urljoin(action, response.headers.get("Location", ""))


def _judge(response, client, form: Form, case: str, data: dict, before, value, spoiled: Field | None) -> list[str]:
    what = f"POST {form.action} as {form.role} with {case}"
    status = response.status_code
    if status == 500:
        return [f"{what}: server error"]
    if status not in (302, *REFUSED):
        return [f"{what}: unexpected status {status}"]
    problems = []
    if status == 302:
        location = _location(response, form.action)
        if urlsplit(location).netloc not in ("", "testserver"):
            problems.append(f"{what}: redirected off the site to {location}")
        elif value is MARKUP_AND_SQL:
            shown = client.get(location).content.decode(errors="replace")
            if any(mark in shown for mark in RAW_MARKUP):
                problems.append(f"{what}: the markup is shown unescaped on {location}")
        if value is OVER_LONG or value in FAR_DATE_VALUES:
            changed = crawl.changed_tables(before, crawl.fingerprint())
            if value is OVER_LONG and (where := crawl.stored_text(changed, OVER_LONG[:1000])):
                problems.append(f"{what}: stored {len(value)} characters in {where} (no length limit)")
            if value in FAR_DATE_VALUES and (where := crawl.stored_years(changed, [1, 9999])):
                problems.append(f"{what}: stored a date out of range in {where}")
        return problems
    if changed := crawl.changed_tables(before, crawl.fingerprint()):
        problems.append(f"{what}: refused ({status}) but stored changes in {changed}")
    html = response.content.decode(errors="replace")
    if status == 200:
        # An empty post is read as no post at all (`request.POST or None`): the form again, unchanged.
        if data and not any(mark in html for mark in ERROR_MARKS):
            problems.append(f"{what}: a 200 without an error message")
        if any(mark in html for mark in RAW_MARKUP):
            problems.append(f"{what}: the markup is shown unescaped")
        if value is OVER_LONG and spoiled is not None and kind_of(spoiled) in KEPT_KINDS and value[:1000] not in html:
            problems.append(f"{what}: the form shown again lost what was typed in {spoiled.name}")
    return problems


def attack(form: Form, client: Client, url_name: str, button: tuple[str, str] | None) -> list[str]:
    typical = form.typical_data(TYPICAL.get(url_name))
    if button:
        typical[button[0]] = button[1]
    cases: list[tuple[str, dict, object, Field | None]] = [("nothing filled in", {}, None, None)]
    for name, f in form.fields.items():
        for label, hostile in hostile_values(f):
            cases.append((f"{name}={label}", {**typical, name: hostile}, hostile, f))
    # Every field spoiled at once, in the first way its kind allows.
    spoiled = {name: values[0][1] for name, f in form.fields.items() if (values := hostile_values(f))}
    cases.append(("every field spoiled", {**typical, **spoiled}, None, None))
    before = crawl.fingerprint()
    problems = []
    for case, data, value, field_spoiled in cases:
        with transaction.atomic():
            response = client.post(form.action, data)
            problems += _judge(
                response,
                client,
                form,
                f"{case}{' (' + button[0] + ')' if button else ''}",
                data,
                before,
                value,
                field_spoiled,
            )
            transaction.set_rollback(True)
    return problems


def forge(form: Form, world, url_name: str) -> list[str]:
    """The same post from another site: without the CSRF token it is refused and stores nothing."""
    client = _client(world, form.role, enforce_csrf_checks=True)
    client.get(form.page)  # the CSRF cookie is set, so only the missing token can be the reason
    before = crawl.fingerprint()
    with transaction.atomic():
        response = client.post(form.action, form.typical_data(TYPICAL.get(url_name)))
        changed = crawl.changed_tables(before, crawl.fingerprint()) if response.status_code != 500 else []
        transaction.set_rollback(True)
    what = f"POST {form.action} as {form.role} without the CSRF token"
    problems = [] if response.status_code == 403 else [f"{what}: answered {response.status_code}, not 403"]
    return problems + ([f"{what}: stored changes in {changed}"] if changed else [])


VISITS = all_visits()


@pytest.mark.parametrize("visit", VISITS, ids=[v.id for v in VISITS])
def test_every_form_refuses_hostile_input_and_forged_posts(visit, shared_world):
    page = open_page(visit, shared_world)
    problems = list(page.problems)
    targets = set()
    for form in page.forms.values():
        try:
            targets.add(resolve(urlsplit(form.action).path).view_name)
        except Resolver404:
            problems.append(f"{form.page}: a form posts to {form.action}, which is not a page")
            continue
        problems += forge(form, shared_world, visit.url_name)
        if form.action.startswith(SKIPPED_ACTIONS):
            continue  # signing out has nothing to validate
        for button in form.buttons or [None]:
            problems += attack(form, page.clients[form.role], visit.url_name, button)
    for missing in sorted(form_targets(visit) - targets):
        problems.append(
            f"{page.url}: no form posting to {missing} was found; open the page in a state where it shows "
            "(tests/security/states.py)"
        )
    problems += spoil_query(page)
    assert not problems, "\n".join(problems)


def test_a_number_no_id_can_hold_matches_nothing_in_a_list_of_ids(shared_world):
    """portal.lookups: a tampered choice among several checkboxes is "not one of the choices",
    not an OverflowError (SQLite) or a scan of every row (PostgreSQL)."""
    from partnerships.models import Organisation

    employer = shared_world.employer
    assert list(Organisation.objects.filter(pk__in=[int(HUGE), employer.pk])) == [employer]
    assert not Organisation.objects.filter(pk__in=[int(HUGE), -int(HUGE)]).exists()
