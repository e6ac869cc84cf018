"""Behind PgBouncer in transaction pooling (docs/operator.md): a real pooler in front of the test
database, and real worker processes going through it with DATABASE_POOL_MODE=transaction.

An export job streams its rows with a queryset iterator (a server-side cursor unless the setting
turns them off) and takes row locks; the job queue claims with SELECT ... FOR UPDATE SKIP LOCKED.
All of that has to work when consecutive transactions land on different server connections."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bench import pgbouncer
from portal.jobs.models import Export, ExportStatus
from tests.placements.factories import PlacementFactory, placements_world
from tests.portal.test_jobs import _start_worker

pytestmark = pytest.mark.postgres


@pytest.fixture
def bouncer():
    db = django_settings.DATABASES["default"]
    direct = f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"
    running = pgbouncer.start(direct, pool_size=2)
    if running is None:
        pytest.skip("pgbouncer is not installed (.ci/run installs it)")
    yield running, direct
    running.stop()


def test_the_settings_turn_server_side_cursors_off_in_transaction_pooling():
    from tests.portal.test_settings import _run

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; print(d['PORT'], d.get('DISABLE_SERVER_SIDE_CURSORS', False))"
    )
    url = "postgres://portal@pgbouncer.internal:6432/portal"
    pooled = _run(code, DEBUG="1", DATABASE_URL=url, DATABASE_POOL_MODE="transaction")
    direct = _run(code, DEBUG="1", DATABASE_URL=url)
    assert pooled.stdout.split() == ["6432", "True"], pooled.stderr
    assert direct.stdout.split() == ["6432", "False"], direct.stderr


def test_two_workers_through_pgbouncer_build_exports_once_each(transactional_db, world, settings, tmp_path, bouncer):
    settings.JOBS_IN_PROCESS = False
    running, direct = bouncer
    placements = placements_world(world)
    for _ in range(30):
        PlacementFactory(partnership=world.partnership, offer=placements["offer"])
    client = Client()
    client.force_login(world.user("coordinator"))
    pages = [client.get(f"/placements/?export={fmt}").url for fmt in ("csv", "xlsx")]
    pooled = {"DATABASE_URL": running.url(direct), "DATABASE_POOL_MODE": "transaction"}
    workers = [_start_worker(tmp_path, "--batch", "--worker-id", name, **pooled) for name in ("one", "two")]
    for process in workers:
        assert process.wait(timeout=90) == 0, process.stdout.read().decode()
    exports = list(Export.objects.order_by("id"))
    assert [e.status for e in exports] == [ExportStatus.READY, ExportStatus.READY], [e.error for e in exports]
    results = DBTaskResult.objects.filter(task_path__endswith="build_export")
    assert sorted(len(r.worker_ids) for r in results) == [1, 1]  # each built once, by one worker
    assert {r.status for r in results} == {TaskResultStatus.SUCCESSFUL}
    download = client.get(f"{pages[0]}download/")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert len(rows) - 1 == exports[0].rows_total == world.partnership.placements.count()
