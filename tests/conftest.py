"""Shared fixtures: the database guard, the role "world", signed-in clients and the browser.

`make test` runs everything it can. Without PostgreSQL or Chromium the tests that need them
skip with a message saying what to install; with REQUIRE_POSTGRES=1 / REQUIRE_BROWSER=1 (as in
CI) a missing piece is a failure instead.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from tests.world import World, build_world

REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"


def pytest_configure(config):
    from django.conf import settings

    if REQUIRE_POSTGRES and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but DATABASE_URL does not point at PostgreSQL")


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    has_chromium = shutil.which("chromium") is not None
    for item in items:
        if "postgres" in item.keywords and not on_postgres and not REQUIRE_POSTGRES:
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL: install it and set DATABASE_URL=postgres://user@localhost:5432/portal"
                )
            )
        if "browser" in item.keywords and not has_chromium:
            if REQUIRE_BROWSER:
                item.add_marker(
                    pytest.mark.xfail(reason="REQUIRE_BROWSER=1 but chromium is missing", strict=True, run=False)
                )
            else:
                item.add_marker(
                    pytest.mark.skip(reason="needs Chromium: install it (Debian/Ubuntu: apt-get install chromium)")
                )


# The suite's "now": a Monday morning in term. Every test runs on this clock (ticking forward from
# it), so no result depends on the day the suite is run; CI also runs a subset with the system
# clock moved on by faketime to prove it (.ci/run). A test that needs another day moves the clock
# itself: `frozen_clock.move_to(...)`, or builds its dates from FROZEN_NOW.
FROZEN_NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # Fast hashing keeps the suite quick; private files go to a temporary folder per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private-media")},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private-media" / "private")},
        },
    }
    settings.AXES_ENABLED = False


@pytest.fixture
def world(db) -> World:
    """A partnership with one user per role, an outsider and a site administrator."""
    return build_world()


@pytest.fixture
def client_for(client, world):
    """client_for("lead") gives a test client signed in as that role of the world."""

    def _client(role: str):
        from django.test import Client

        c = Client()
        if role != "anonymous":
            c.force_login(world.user(role))
        return c

    return _client


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no downloaded browser builds)."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed") if REQUIRE_BROWSER else pytest.skip("needs Chromium")
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a
    # thread with a running loop unless told it is safe, which it is in tests.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
