"""Reading pages as a browser would: the POST forms on a page (every field with its kind, value and
options) and the download links; a fingerprint of the whole database to show nothing was stored.

Used by the bad-input, CSRF, header and file tests, which find their pages through the
access-matrix rows (tests/<app>/access_rows.py) and tests/security/states.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.apps import apps
from django.db import connection, models

from tests.factories import PASSWORD

TEXT_KINDS = {"text", "textarea", "email", "url", "tel", "search", "password"}
CHOICE_KINDS = {"select", "radio", "checkbox"}
# What a person would type into an empty field of each kind, so that one hostile value in an
# otherwise sensible form reaches the service rather than stopping at "this field is required".
TYPED = {
    "text": "Sample",
    "textarea": "Sample text.",
    "search": "Sample",
    "email": "someone@example.org",
    "url": "https://www.example.org/",
    "tel": "020 7946 0000",
    "password": PASSWORD,
    "number": "1",
    "date": "2027-01-15",
}
DATE_PARTS = {"_0": "15", "_1": "1", "_2": "2027"}


@dataclass
class Field:
    name: str
    kind: str
    value: str | None = None  # the value a browser would send as the page stands (None: nothing)
    options: list[str] = field(default_factory=list)  # select, radio and checkbox values
    attrs: dict = field(default_factory=dict)

    def typical(self) -> str | list[str] | None:
        """A sensible value: what the page holds, else what a person would pick or type."""
        if self.kind == "checkbox":
            return self.value
        if self.value not in (None, ""):
            return self.value
        if self.kind in ("select", "radio"):
            chosen = [o for o in self.options if o != ""]
            return chosen[0] if chosen else ""
        if self.kind == "number" and self.attrs.get("min"):
            return self.attrs["min"]
        if "govuk-date-input__input" in self.attrs.get("class", ""):
            # A GOV.UK date input's day, month and year boxes (portal/date_input.py).
            return DATE_PARTS.get(self.name[-2:], "")
        return TYPED.get(self.kind, self.value or "")


@dataclass
class Form:
    page: str  # the page's path (with its query string) where the form was found
    action: str  # where it posts
    fields: dict[str, Field]
    multipart: bool = False
    role: str = ""
    # Named submit buttons ("Save" and "Save and go to A2"): each is a way to send the form.
    buttons: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return urlsplit(self.action).path, tuple(sorted(self.fields))

    def typical_data(self, overrides: dict | None = None) -> dict:
        data = {}
        for name, f in self.fields.items():
            if f.kind == "file" or name == "csrfmiddlewaretoken":
                continue
            value = f.typical()
            if value is not None:
                data[name] = value
        for name, value in (overrides or {}).items():
            if name in self.fields or name.startswith("+"):
                data[name.lstrip("+")] = value
        return data

    def describe(self) -> str:
        return f"{self.action} [{self.role}] ({', '.join(f'{n}:{f.kind}' for n, f in self.fields.items())})"


class _PageParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self.query_names: set[str] = set()  # the fields of the page's GET forms (filters, search)
        self.blocked: list[str] = []  # script the Content-Security-Policy would refuse to run
        self._form: Form | None = None
        self._get_form = False
        self._textarea: Field | None = None
        self._select: Field | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "script" and "src" not in a and "json" not in a.get("type", ""):
            self.blocked.append("an inline <script>")
        self.blocked += [f"<{tag} {k}=...>" for k in a if k.startswith("on")]
        self.blocked += [
            f"<{tag} {k}=javascript:...>" for k, v in a.items() if v.strip().lower().startswith("javascript:")
        ]
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page, a["href"]))
        if tag == "form":
            self._get_form = (a.get("method") or "get").lower() == "get"
            if not self._get_form:
                self._form = Form(
                    page=self.page,
                    action=urljoin(self.page, a.get("action") or self.page),
                    fields={},
                    multipart="multipart" in (a.get("enctype") or ""),
                )
                self.forms.append(self._form)
            return
        name = a.get("name")
        if self._get_form and name and tag in ("input", "select", "textarea"):
            self.query_names.add(name)
        if self._form is None:
            return
        kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
        if tag in ("input", "button") and name and kind == "submit":
            self._form.buttons.append((name, a.get("value", "")))
            return
        if tag == "input" and name:
            if kind in ("submit", "button", "image", "reset"):
                return
            existing = self._form.fields.get(name)
            if kind in ("radio", "checkbox"):
                f = existing or self._form.fields.setdefault(name, Field(name, kind, None, [], a))
                f.options.append(a.get("value", "on"))
                if "checked" in a:
                    f.value = a.get("value", "on")
                return
            self._form.fields[name] = Field(name, kind, a.get("value", ""), [], a)
        elif tag == "textarea" and name:
            self._textarea = self._form.fields[name] = Field(name, "textarea", "", [], a)
        elif tag == "select" and name:
            self._select = self._form.fields[name] = Field(name, "select", None, [], a)
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form, self._get_form = None, False
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline that follows <textarea>.
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value = self._option["value"] if self._option["value"] is not None else self._option["text"].strip()
            self._select.options.append(value)
            if self._option["selected"] and self._select.value is None:
                self._select.value = value
            self._option = None
        elif tag == "select" and self._select is not None:
            # A single select sends its first option unless another is selected.
            if self._select.value is None and self._select.options and "multiple" not in self._select.attrs:
                self._select.value = self._select.options[0]
            self._select = None


@dataclass
class Parsed:
    forms: list[Form]
    links: list[str]
    query_names: set[str]  # what the page's GET forms and its links to itself put in the query
    blocked: list[str]  # inline script and event handlers, which the policy would silently block


def parse(html: str, page: str) -> Parsed:
    """The POST forms, the link targets and the query parameters of a page."""
    parser = _PageParser(page)
    parser.feed(html)
    parser.close()
    path = urlsplit(page).path
    names = set(parser.query_names)
    for link in parser.links:
        parts = urlsplit(link)
        if parts.path == path:
            names |= {name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
    return Parsed(parser.forms, parser.links, names, parser.blocked)


# --- Nothing stored ----------------------------------------------------------------------------

# Sessions are written on every request (their expiry slides); they hold no portal data.
NOT_FINGERPRINTED = {"django_session"}


def _tables() -> list[tuple[str, tuple[str, ...]]]:
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    tables = {(m._meta.db_table, tuple(f.column for f in m._meta.local_concrete_fields)) for m in models}
    return sorted((t, cols) for t, cols in tables if t not in NOT_FINGERPRINTED)


def fingerprint() -> dict[str, str]:
    """Every table's content in one round trip, to compare before and after a refused post: an
    update is caught as well as an insert or a delete."""
    tables = _tables()
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        parts = [
            f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {qn(table)} t)"
            for table, _ in tables
        ]
    else:
        parts = []
        for table, cols in tables:
            row = " || ',' || ".join(f"quote({qn(c)})" for c in cols)
            parts.append(f"(SELECT group_concat(r, '|') FROM (SELECT {row} AS r FROM {qn(table)} ORDER BY 1))")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        values = cursor.fetchone()
    return {table: value for (table, _), value in zip(tables, values, strict=True)}


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t, v in before.items() if after.get(t) != v)


def _models_of(tables: list[str]):
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in tables and m._meta.managed]


def stored_text(tables: list[str], fragment: str) -> list[str]:
    """Where, among the tables a post changed, a text column now holds `fragment`."""
    return [
        f"{model._meta.label}.{f.name}"
        for model in _models_of(tables)
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and model._base_manager.filter(**{f"{f.name}__contains": fragment}).exists()
    ]


def stored_years(tables: list[str], years: list[int]) -> list[str]:
    """Where, among the tables a post changed, a date column now holds a date in one of `years`."""
    return [
        f"{model._meta.label}.{f.name}"
        for model in _models_of(tables)
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField) and model._base_manager.filter(**{f"{f.name}__year__in": years}).exists()
    ]
