"""The many-instance run of `make load`: two gunicorn instances and two job workers on one machine,
sharing PostgreSQL (through PgBouncer, transaction pooling), the private file store and the queue,
as two machines behind a load balancer would.

Claims, each checked and reported (bench/load.py turns a failed claim into exit status 1):
1. 20 users spread over both instances for 60 s get no errors;
2. a worker killed with SIGKILL in the middle of the national placements export: the other worker
   takes the job over and the export completes, once (one file, every row);
3. one web instance killed: the other keeps serving with no errors;
4. every database connection dropped: both instances recover without a restart.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Short heartbeats so a killed worker's job is taken over in seconds (production: 10 s and 120 s).
WORKER_ENV = {
    "JOBS_HEARTBEAT_SECONDS": "1",
    "JOBS_WORKER_STALE_SECONDS": "6",
    "JOBS_RECOVERY_EVERY_SECONDS": "1",
    "JOBS_RECOVERY_GRACE_SECONDS": "2",
    "JOBS_SCHEDULE": "0",  # the daily work would walk the 200,000-event audit trail mid-run
    "JOBS_IN_PROCESS": "0",
}


@dataclass
class Cluster:
    servers: list[subprocess.Popen]
    bases: list[str]
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)
    pooled: bool = False

    def stop(self) -> None:
        from bench.run import stop_server

        for server in self.servers:
            if server.poll() is None:
                stop_server(server)
        for worker in self.workers.values():
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in self.workers.values():
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()


def start_cluster(gunicorn_workers: int, shared_env: dict) -> Cluster:
    from bench.run import _free_port, start_server

    servers, bases = [], []
    for _ in range(2):
        port = _free_port()
        servers.append(start_server(port, gunicorn_workers, shared_env))
        bases.append(f"http://127.0.0.1:{port}")
    cluster = Cluster(servers, bases)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", **shared_env, **WORKER_ENV}
    for name in ("worker-a", "worker-b"):
        cluster.workers[name] = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--worker-id", name, "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return cluster


def spread_load(
    bases: list[str], people: dict, targets: list, *, users: int, seconds: float, event_at=None, event=None
) -> dict:
    """Users split evenly over the instances; `event()` runs at `event_at` seconds. Per instance:
    requests and errors before and after the event (a 2 s settling window after it is excluded)."""
    from bench.load import _clients

    per_base = [_clients(base, people, max(1, users // len(bases))) for base in bases]
    by_who: dict[str, list[str]] = {}
    for target in targets:
        by_who.setdefault(target.who, []).append(target.path)
    started = time.perf_counter()
    deadline = started + seconds
    lock = threading.Lock()
    timeline: list[tuple[int, float, int]] = []
    happened: dict = {}

    def work(index: int, who: str, client) -> None:
        paths = by_who.get(who) or ["/"]
        mine, n = [], 0
        while time.perf_counter() < deadline:
            sample = client.get(paths[n % len(paths)])
            mine.append((index, time.perf_counter() - started, sample.status))
            n += 1
        with lock:
            timeline.extend(mine)

    def fire() -> None:
        time.sleep(event_at)
        happened["at_s"] = round(time.perf_counter() - started, 2)
        happened["result"] = event()

    threads = [
        threading.Thread(target=work, args=(index, who, client))
        for index, clients in enumerate(per_base)
        for who, client in clients
    ]
    if event is not None:
        threads.append(threading.Thread(target=fire))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    at = happened.get("at_s", seconds + 1)
    instances = []
    for index in range(len(bases)):
        mine = [t for t in timeline if t[0] == index]
        before = [t for t in mine if t[1] < at]
        after = [t for t in mine if t[1] > at + 2]
        instances.append(
            {
                "requests": len(mine),
                "errors": sum(1 for t in mine if t[2] != 200),
                "errors_before_event": sum(1 for t in before if t[2] != 200),
                "requests_after_event": len(after),
                "errors_after_event": sum(1 for t in after if t[2] != 200),
            }
        )
    return {
        "users": users,
        "seconds": round(time.perf_counter() - started, 1),
        "requests": len(timeline),
        "errors": sum(1 for t in timeline if t[2] != 200),
        "throughput_rps": round(len(timeline) / max(time.perf_counter() - started, 0.001), 1),
        "event": happened,
        "instances": instances,
    }


def drop_connections() -> int:
    """Terminate every server connection to the benchmark database but this one (PgBouncer's too)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        terminated = cursor.fetchone()[0]
    connection.close()
    return terminated


def export_with_a_killed_worker(cluster: Cluster, people: dict, *, timeout: float = 600.0) -> dict:
    """Ask for the national placements XLSX as a site administrator (through instance 1), SIGKILL
    whichever worker takes it once rows are being written, and follow it to the end."""
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    from bench.client import Client
    from portal.jobs.exports import private_storage
    from portal.jobs.models import Export, ExportStatus

    email, password = people["admin"]
    client = Client(cluster.bases[0])
    client.sign_in(email, password)
    newest_before = Export.objects.order_by("-id").values_list("id", flat=True).first() or 0
    asked = client.get("/placements/?export=xlsx")
    export = Export.objects.filter(id__gt=newest_before).order_by("-id").first()
    if asked.status != 302 or export is None:
        return {"asked_status": asked.status, "completed_once": False}
    started = time.monotonic()
    killed = None
    while time.monotonic() - started < timeout:
        export.refresh_from_db()
        row = DBTaskResult.objects.filter(task_path__endswith="build_export", args_kwargs__args=[export.pk]).first()
        if (
            killed is None
            and export.status == ExportStatus.RUNNING
            and export.rows_done >= 1000
            and row
            and row.worker_ids
        ):
            killed = row.worker_ids[-1]
            cluster.workers[killed].send_signal(signal.SIGKILL)
            cluster.workers[killed].wait(timeout=10)
            killed_at, killed_rows = time.monotonic(), export.rows_done
        if export.status in (ExportStatus.READY, ExportStatus.FAILED):
            break
        time.sleep(0.2)
        connections.close_all()
    row = DBTaskResult.objects.filter(task_path__endswith="build_export", args_kwargs__args=[export.pk]).first()
    try:
        _, files = private_storage().listdir("exports")
    except FileNotFoundError:
        files = []
    same_name = [name for name in files if name.startswith(f"export-{export.pk}.")]
    result = {
        "export": export.pk,
        "status": export.status,
        "rows_done": export.rows_done,
        "rows_total": export.rows_total,
        "killed_worker": killed,
        "killed_at_rows": killed_rows if killed else None,
        "taken_over_by": row.worker_ids[-1] if row and row.worker_ids else None,
        "attempts": len(row.worker_ids) if row else 0,
        "seconds_after_kill": round(time.monotonic() - killed_at, 1) if killed else None,
        "files": len(same_name),
        "total_seconds": round(time.monotonic() - started, 1),
    }
    result["completed_once"] = bool(
        killed
        and export.status == ExportStatus.READY
        and export.rows_done == export.rows_total
        and len(same_name) == 1
        and result["attempts"] == 2
        and result["taken_over_by"] != killed
    )
    return result


def run(people: dict, targets: list, *, users: int, seconds: float, gunicorn_workers: int) -> dict:
    from bench import pgbouncer

    direct = os.environ["DATABASE_URL"]
    bouncer = pgbouncer.start(direct)
    shared_env = {"DATABASE_URL": bouncer.url(direct), "DATABASE_POOL_MODE": "transaction"} if bouncer else {}
    cluster = start_cluster(gunicorn_workers, shared_env)
    cluster.pooled = bouncer is not None
    results: dict = {"pgbouncer": "transaction pooling" if bouncer else "not installed: direct connections"}
    try:
        results["load"] = spread_load(cluster.bases, people, targets, users=users, seconds=seconds)
        results["worker_killed_mid_export"] = export_with_a_killed_worker(cluster, people)
        results["database_dropped"] = spread_load(
            cluster.bases, people, targets, users=users, seconds=30, event_at=10, event=drop_connections
        )

        def kill_first_instance() -> str:
            cluster.servers[0].send_signal(signal.SIGKILL)
            cluster.servers[0].wait(timeout=10)
            return "instance 1 killed"

        results["instance_killed"] = spread_load(
            cluster.bases, people, targets, users=users, seconds=20, event_at=6, event=kill_first_instance
        )
    finally:
        cluster.stop()
        if bouncer is not None:
            bouncer.stop()
    return results


def claims(results: dict) -> list[str]:
    """The failed claims, in words (empty when all hold)."""
    failed = []
    if results["load"]["errors"]:
        failed.append("errors under load on two instances")
    if not results["worker_killed_mid_export"].get("completed_once"):
        failed.append("the export did not complete exactly once after its worker was killed")
    for index, instance in enumerate(results["database_dropped"]["instances"], start=1):
        if instance["errors_after_event"] or not instance["requests_after_event"]:
            failed.append(f"instance {index} did not recover after the database connections were dropped")
    survivor = results["instance_killed"]["instances"][1]
    if survivor["errors"] or not survivor["requests_after_event"]:
        failed.append("the surviving instance did not keep serving after the other was killed")
    return failed


def describe(results: dict) -> list[str]:
    load, export = results["load"], results["worker_killed_mid_export"]
    dropped, killed = results["database_dropped"], results["instance_killed"]
    return [
        f"two instances ({results['pgbouncer']}): {load['users']} users, {load['seconds']} s, "
        f"{load['requests']} requests ({', '.join(str(i['requests']) for i in load['instances'])} per instance), "
        f"{load['errors']} errors, {load['throughput_rps']} req/s",
        f"worker killed mid-export: {export.get('killed_worker')} killed at {export.get('killed_at_rows')} rows; "
        f"{export.get('taken_over_by')} finished {export.get('rows_done')} of {export.get('rows_total')} rows "
        f"{export.get('seconds_after_kill')} s later; {export.get('attempts')} attempts, {export.get('files')} file; "
        f"completed once: {export.get('completed_once')}",
        f"database connections dropped at {dropped['event'].get('at_s')} s "
        f"({dropped['event'].get('result')} terminated): errors after recovery per instance "
        f"{[i['errors_after_event'] for i in dropped['instances']]}, errors around the drop "
        f"{[i['errors'] for i in dropped['instances']]}",
        f"instance 1 killed at {killed['event'].get('at_s')} s: instance 2 served "
        f"{killed['instances'][1]['requests_after_event']} requests after it with "
        f"{killed['instances'][1]['errors']} errors",
    ]
