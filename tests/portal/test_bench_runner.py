"""`make bench` keeps working: the runner builds a small national dataset in a database of its own,
starts gunicorn, signs in as each representative person and measures the list pages beside the
Django admin changelists. Figures are not checked (the bench reports them; docs/performance.md
records them); that every page answers 200 within the query budget, and the report says so, is."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.pg import run_outside_django, server_settings

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench_database_url():
    name = f"{settings.DATABASES['default']['NAME']}_benchsmoke"
    server = server_settings()

    def drop():
        run_outside_django(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    yield f"postgres://{server['user']}@{server['host']}:{server['port']}/{name}"
    drop()


def test_the_benchmark_runs_and_reports_each_list_beside_the_admin(bench_database_url, tmp_path):
    out = tmp_path / "results.json"
    # A fresh folder for its files too: the database is made anew each run.
    env = {**os.environ, "DATABASE_URL": bench_database_url, "PRIVATE_MEDIA_ROOT": str(tmp_path / "files")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    args = ["--scale", "0.03", "--requests", "2", "--seconds", "0.2", "--only", "list", "--out", str(out)]
    run = subprocess.run(
        [sys.executable, "-m", "bench.run", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Creating the database" in run.stdout  # it made its own database
    assert "framework floor" in run.stdout and "admin: placements" in run.stdout

    results = json.loads(out.read_text())
    assert results["dataset"]["placements"] > 0
    assert results["floor"]["status"] == [200]
    labels = [page["label"] for page in results["pages"]]
    assert "placements list" in labels and "practice educators list" in labels
    for page in results["pages"]:
        assert page["status"] == [200], page
        assert page["load_errors"] == 0, page
        assert page["queries"] <= 15, page
        assert page["admin"]["queries"] is not None
        assert page["ratio_to_admin"] is not None
