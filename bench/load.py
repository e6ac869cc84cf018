"""Load and fault runs: `python -m bench.load` (after `make bench` has built the dataset).

By default on two instances (bench/instances.py): two gunicorn instances and two job workers
sharing PostgreSQL through PgBouncer, the file store and the queue.
1. Load: N concurrent signed-in users (default 20), spread over both instances, walk the key pages
   for a fixed time (default 60 s); every response must be a 200.
2. A worker is killed (SIGKILL) in the middle of the national placements export: the other takes
   the job over and the export completes once.
3. Database fault: the same load, and part-way through every database connection is dropped with
   pg_terminate_backend. Both instances must recover without a restart.
4. One web instance is killed: the other keeps serving without errors.
5. Interrupted import: a 10,000-row placements import is killed (SIGKILL) part-way; afterwards the
   database holds exactly what it held before (the import is one transaction).
`--single` runs the earlier one-instance load and fault runs instead of 1-4.

Figures go to stdout and bench/load-results.json; docs/performance.md records them.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _clients(base_url: str, people: dict, users: int):
    from bench.client import Client

    signed_in = {}
    for who, (email, password) in people.items():
        client = Client(base_url)
        client.sign_in(email, password)
        signed_in[who] = client
    whos = list(signed_in)
    # Each simulated user has a session of one of the representative people.
    return [(whos[i % len(whos)], signed_in[whos[i % len(whos)]].clone()) for i in range(users)]


def load_run(base_url: str, people: dict, targets: list, *, users: int, seconds: float, fault_at: float | None):
    """Every user requests their pages in turn; returns per-second status counts and a summary."""
    from bench.stats import percentile

    users_clients = _clients(base_url, people, users)
    by_who: dict[str, list[str]] = {}
    for target in targets:
        by_who.setdefault(target.who, []).append(target.path)
    started = time.perf_counter()
    deadline = started + seconds
    lock = threading.Lock()
    timeline: list[tuple[float, int, float | None]] = []
    fault_done: dict = {}

    def work(who: str, client) -> None:
        paths = by_who.get(who) or ["/"]
        n = 0
        mine = []
        while time.perf_counter() < deadline:
            sample = client.get(paths[n % len(paths)])
            mine.append((time.perf_counter() - started, sample.status, sample.server_ms))
            n += 1
        with lock:
            timeline.extend(mine)

    def fault(at: float) -> None:
        from django.db import connection

        time.sleep(at)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            fault_done["terminated"] = cursor.fetchone()[0]
        fault_done["at_s"] = round(time.perf_counter() - started, 2)
        connection.close()

    threads = [threading.Thread(target=work, args=(who, client)) for who, client in users_clients]
    if fault_at is not None:
        threads.append(threading.Thread(target=fault, args=(fault_at,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    errors = [t for t in timeline if t[1] != 200]
    per_second: dict[int, dict] = {}
    for at, status, _ in timeline:
        bucket = per_second.setdefault(int(at), {"ok": 0, "errors": 0})
        bucket["ok" if status == 200 else "errors"] += 1
    summary = {
        "users": users,
        "seconds": round(wall, 1),
        "requests": len(timeline),
        "errors": len(errors),
        "error_statuses": sorted({t[1] for t in errors}),
        "throughput_rps": round(len(timeline) / wall, 1),
        "server_p50_ms": percentile([t[2] for t in timeline if t[2] is not None], 50),
        "server_p95_ms": percentile([t[2] for t in timeline if t[2] is not None], 95),
        "per_second": per_second,
    }
    if fault_at is not None:
        summary["fault"] = fault_done
        after = [t for t in timeline if t[0] > fault_done.get("at_s", 0) + 2]
        summary["errors_after_recovery"] = sum(1 for t in after if t[1] != 200)
        summary["first_error_s"] = min((t[0] for t in errors), default=None)
        summary["last_error_s"] = max((t[0] for t in errors), default=None)
    return summary


def _wait_for_writes(backend_pid: int, table: str = "placements_student", timeout: float = 60.0) -> bool:
    """Wait until the child's transaction has begun inserting into `table`: it then holds a
    RowExclusiveLock on it until it ends, so (unlike sampling its current statement) this cannot
    miss a fast batch."""
    from django.db import connection

    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.pid = %s AND l.mode = 'RowExclusiveLock' AND c.relname = %s",
                [backend_pid, table],
            )
            if cursor.fetchone():
                return True
            time.sleep(0.005)
    return False


def interrupted_import(rows: int = 10_000) -> dict:
    """Kill (SIGKILL) a running import once it has begun writing rows, and show nothing was
    half-written. The child holds its transaction open after the last row (see
    bench.pages.run_import_in_child), so the kill lands inside the transaction on any machine."""
    from bench import pages

    before = pages.import_footprint()
    child = subprocess.Popen(
        [sys.executable, "-c", f"import bench.pages as p; p.run_import_in_child({rows})"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        stdout=subprocess.PIPE,
        text=True,
    )
    out = child.stdout
    if out is None:  # never: stdout=PIPE above
        raise RuntimeError("The import child has no output pipe")
    backend_pid = int(out.readline().split()[1])
    assert out.readline().strip() == "importing"
    writing = _wait_for_writes(backend_pid)
    still_running = child.poll() is None
    child.send_signal(signal.SIGKILL)
    child.wait()
    said = out.read().split()
    # PostgreSQL notices the dead client and rolls its transaction back; wait for its session to go.
    from django.db import connection

    with connection.cursor() as cursor:
        for _ in range(100):
            cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [backend_pid])
            if cursor.fetchone() is None:
                break
            time.sleep(0.05)
    after = pages.import_footprint()
    return {
        "rows": rows,
        "seen_writing": writing,
        "killed_while_running": still_running,
        "killed_during": "writing rows" if "written" not in said else "after the last row, before the commit",
        "before": before,
        "after": after,
        # Only meaningful when the child was seen writing rows when it was killed.
        "unchanged": writing and before == after,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--fault-seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench" / "load-results.json"))
    parser.add_argument("--single", action="store_true", help="one instance, no PgBouncer (the earlier run)")
    args = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    # Fixed, not random: the bench database outlives a run, and its audit trail must verify next time.
    os.environ.setdefault("AUDIT_HMAC_KEY", "bench-only-audit-chain-key-never-used-in-production")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SITE_URL", "https://portal.example.org")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@localhost:5432/portal_bench")
        return 2
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench import pages
    from bench.run import _free_port, start_server, stop_server

    pages.ensure_data(1.0)
    people = pages.people()
    targets = pages.key_pages()
    if not args.single:
        return _many_instances(args, people, targets)
    port = _free_port()
    server = start_server(port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        results = {
            "load": load_run(base, people, targets, users=args.users, seconds=args.seconds, fault_at=None),
            "fault": load_run(
                base, people, targets, users=args.users, seconds=args.fault_seconds, fault_at=args.fault_seconds / 3
            ),
        }
    finally:
        stop_server(server)
    # The fault run dropped this process's own connection too: start afresh.
    from django.db import connections

    connections.close_all()
    results["interrupted_import"] = interrupted_import()
    for name in ("load", "fault"):
        r = results[name]
        print(
            f"{name}: {r['users']} users, {r['seconds']} s, {r['requests']} requests, {r['errors']} errors "
            f"{r['error_statuses']}, {r['throughput_rps']} req/s, server p50 {r['server_p50_ms']} ms, "
            f"p95 {r['server_p95_ms']} ms"
        )
    f = results["fault"]
    print(
        f"fault: {f['fault'].get('terminated')} connections dropped at {f['fault'].get('at_s')} s; "
        f"errors after recovery: {f['errors_after_recovery']}; errors between {f['first_error_s']} "
        f"and {f['last_error_s']} s"
    )
    imp = results["interrupted_import"]
    print(
        f"interrupted import: {imp['rows']} rows, killed {imp['killed_during']} "
        f"(running={imp['killed_while_running']}); database unchanged={imp['unchanged']}"
    )
    Path(args.out).write_text(json.dumps(results, indent=2))
    # The three claims, as an exit status an operator's script can check.
    failures = []
    if results["load"]["errors"]:
        failures.append("errors under load")
    if f["errors_after_recovery"] or any(status != 503 for status in f["error_statuses"]):
        failures.append("the fault run did not recover cleanly")
    if not imp["unchanged"]:
        failures.append("the interrupted import left the database changed")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


def _many_instances(args, people: dict, targets: list) -> int:
    from django.db import connections

    from bench import instances

    results = instances.run(
        people, targets, users=args.users, seconds=args.seconds, gunicorn_workers=max(1, args.workers - 1)
    )
    connections.close_all()
    results["interrupted_import"] = interrupted_import()
    for line in instances.describe(results):
        print(line)
    imp = results["interrupted_import"]
    print(
        f"interrupted import: {imp['rows']} rows, killed {imp['killed_during']} "
        f"(running={imp['killed_while_running']}); database unchanged={imp['unchanged']}"
    )
    Path(args.out).write_text(json.dumps(results, indent=2, default=str))
    failures = instances.claims(results)
    if not imp["unchanged"]:
        failures.append("the interrupted import left the database changed")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
