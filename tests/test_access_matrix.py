"""The access matrix: every URL in the URLconf, for every kind of visitor.

A URL pattern without a Row in some tests/<app>/access_rows.py fails
`test_every_url_has_a_row_in_the_matrix`, so a new page cannot ship without saying who may see it.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.access import LOGIN, Row
from tests.world import ROLES

# Django's own admin pages are covered by Django; the matrix checks the index only.
IGNORED_NAMESPACES = {"admin"}


def _collect_rows() -> list[Row]:
    rows: list[Row] = []
    for module_info in pkgutil.iter_modules(tests.__path__):
        if not module_info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{module_info.name}.access_rows")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.{module_info.name}.access_rows":
                raise
            continue
        rows.extend(module.ROWS)
    return rows


ROWS = _collect_rows()


def _url_names(patterns=None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns in IGNORED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            names |= _url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                names.add(f"{namespace}{pattern.name}")
            else:
                names.add(f"{namespace}<unnamed {pattern.pattern}>")
    return names


def test_every_url_has_a_row_in_the_matrix():
    covered = {row.url_name for row in ROWS}
    missing = sorted(_url_names() - covered)
    assert not missing, f"URLs without a row in the access matrix (add them to tests/<app>/access_rows.py): {missing}"


def test_every_row_names_a_real_url():
    stale = sorted({row.url_name for row in ROWS} - _url_names() - {"admin:index"})
    assert not stale, f"Rows for URLs that no longer exist: {stale}"


def test_every_row_covers_every_visitor():
    incomplete = [row.url_name for row in ROWS if set(row.expect) != set(ROLES)]
    assert not incomplete, f"Rows missing a visitor kind: {incomplete}"


@pytest.mark.parametrize("row", ROWS, ids=[r.url_name for r in ROWS])
def test_access(row: Row, world):
    kwargs = row.kwargs(world) if row.kwargs else {}
    url = reverse(row.url_name, kwargs=kwargs) + (f"?{row.query}" if row.query else "")
    failures = []
    for role in ROLES:
        client = Client()
        headers = {}
        if role != "anonymous" and row.headers is not None:
            headers = row.headers(world.user(role))
        elif role != "anonymous":
            client.force_login(world.user(role))
        response = client.get(url, headers=headers)
        expected = row.expect[role]
        if expected == LOGIN:
            ok = response.status_code == 302 and "/login/" in response.headers.get("Location", "")
            got = f"{response.status_code} -> {response.headers.get('Location', '')}"
        else:
            ok = response.status_code == expected
            got = str(response.status_code)
        if not ok:
            failures.append(f"{role}: expected {expected}, got {got}")
    assert not failures, f"{url}: " + "; ".join(failures)
