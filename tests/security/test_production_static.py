"""Production start: `collectstatic` with the manifest storage must succeed and pages must render.

The vendored GOV.UK Frontend files once named source maps that are not shipped, so the manifest
storage refused them, no manifest was written and every page with DEBUG off was a 500.
CI also runs collectstatic and a DEBUG-off gunicorn smoke test (.ci/run); this test keeps the
fault from coming back in `make test`.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STATIC = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}


@pytest.mark.django_db
def test_collectstatic_writes_a_manifest_and_pages_use_hashed_names(settings, tmp_path, client, world):
    storages = {**settings.STORAGES, "staticfiles": PRODUCTION_STATIC}
    with override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
        assert (tmp_path / "static" / "staticfiles.json").exists()
        with override_settings(DEBUG=False):
            client.force_login(world.user("lead"))
            response = client.get("/")
    assert response.status_code == 200
    css = re.search(r'href="(/static/vendor/govuk-frontend/govuk-frontend\.min\.[0-9a-f]{12}\.css)"', response.text)
    assert css, "the page should link the cache-busted stylesheet from the manifest"
    assert (tmp_path / "static" / css.group(1).removeprefix("/static/")).exists()


def test_vendored_files_name_no_missing_source_maps(settings):
    """Every sourceMappingURL in a shipped file must point at a file that is shipped too."""
    for root in settings.STATICFILES_DIRS:
        for path in root.rglob("*"):
            if path.suffix not in {".css", ".js"}:
                continue
            for name in re.findall(r"sourceMappingURL=([^\s*]+)", path.read_text(errors="ignore")):
                assert (path.parent / name).exists(), f"{path} names {name}, which is not in the repository"
