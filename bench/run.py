"""The national-scale benchmark: `make bench` (or `python -m bench.run`).

Starts gunicorn on loopback against PostgreSQL holding the `seed_scale` dataset, signs in as
representative people and, for every key page, measures server-time and client latency (p50, p95),
throughput with several concurrent clients over a fixed time, and SQL queries per page. Beside them
it measures the framework floor (the cheapest authenticated page with our base template) and the
Django admin changelist of the same data, and reports each page's ratio to both. It also times PDF
rendering against serving a stored signed PDF, and a 10,000-row placements import.

Output: a table on stdout and bench/results.json. Figures, not pass/fail: docs/performance.md
records them with the machine and the date.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.stats import percentile, run_for

ROOT = Path(__file__).resolve().parent.parent
WARMUP = 8  # sequential requests per page before sampling: more than the gunicorn workers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int, extra_env: dict | None = None) -> subprocess.Popen:
    """gunicorn as in production (sync workers), under bench.settings for the timing headers;
    `extra_env` changes its environment (the many-instance run points it at PgBouncer)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", **(extra_env or {})}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
    )
    from bench.client import Client

    probe = Client(f"http://127.0.0.1:{port}")
    for _ in range(100):
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        if probe.get("/healthz").status == 200:
            return server
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 20 s")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def _latency(samples) -> dict:
    server = [s.server_ms for s in samples if s.server_ms is not None]
    latency = [s.client_ms for s in samples]
    queries = [s.queries for s in samples if s.queries is not None]
    return {
        "status": sorted({s.status for s in samples}),
        "server_p50_ms": percentile(server, 50),
        "server_p95_ms": percentile(server, 95),
        "client_p50_ms": percentile(latency, 50),
        "client_p95_ms": percentile(latency, 95),
        "queries": max(queries) if queries else None,
        "bytes": samples[-1].size if samples else 0,
    }


def _throughput(client, path: str, clients: int, seconds: float) -> dict:
    load, wall = run_for([client.clone() for _ in range(clients)], lambda i, n: path, seconds)
    return {
        "throughput_rps": round(len(load) / wall, 1) if wall else None,
        "load_requests": len(load),
        "load_errors": sum(1 for s in load if s.status != 200),
        "load_server_p95_ms": percentile([s.server_ms for s in load if s.server_ms is not None], 95),
    }


def measure(pairs: list[tuple], *, requests: int, clients: int, seconds: float, warmup: int = WARMUP) -> list[dict]:
    """For each (client, path): sequential latency (server and client, p50/p95), then throughput
    with `clients` at once. The sequential requests of all the pairs are interleaved (A, B, A, B,
    ...), so a page and the admin changelist it is compared with see the same machine: a noisy
    moment on a shared VM slows both, not one."""
    for _ in range(warmup):  # enough to reach every gunicorn worker, so no sample is a cold start
        for client, path in pairs:
            client.get(path)
    samples: list[list] = [[] for _ in pairs]
    for _ in range(requests):
        for i, (client, path) in enumerate(pairs):
            samples[i].append(client.get(path))
    return [
        {"path": path, **_latency(samples[i]), **_throughput(client, path, clients, seconds)}
        for i, (client, path) in enumerate(pairs)
    ]


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _ratio(value, base) -> float | None:
    return round(value / base, 2) if value and base else None


def print_table(results: dict) -> None:
    """Each page, with the Django admin changelist of the same data on the line below it (measured
    interleaved with the page) and the page's ratio to the floor and to that admin line."""
    header = (
        f"{'page':38} {'as':12} {'p50 ms':>7} {'p95 ms':>7} {'cli p95':>7} {'req/s':>6} "
        f"{'SQL':>4} {'x floor':>7} {'x admin':>7}"
    )
    print(header)
    print("-" * len(header))
    floor = results["floor"]
    rows = [("framework floor", floor)]
    for page in results["pages"]:
        rows.append((page["label"], page))
        if page.get("admin"):
            rows.append((f"  {page['admin']['label']}", page["admin"]))
    for label, row in rows:
        print(
            f"{label[:38]:38} {row.get('as', '')[:12]:12} {_fmt(row['server_p50_ms']):>7} "
            f"{_fmt(row['server_p95_ms']):>7} {_fmt(row['client_p95_ms']):>7} {_fmt(row['throughput_rps']):>6} "
            f"{_fmt(row['queries']):>4} {_fmt(_ratio(row['server_p50_ms'], floor['server_p50_ms'])):>7} "
            f"{_fmt(row.get('ratio_to_admin'), 2):>7}"
        )
    for name, timing in results.get("timings", {}).items():
        print(f"{name}: {timing}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="seed_scale size when the data is missing")
    parser.add_argument(
        "--depth", type=float, default=1.0, help="seed_scale depth when the data is missing (use its own database)"
    )
    parser.add_argument("--requests", type=int, default=40, help="sequential requests per page")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients in the throughput run")
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each throughput run")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--only", default="", help="measure only pages whose label contains this")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
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
    # The bench database's files (signed PDFs, audit checkpoints) live beside it, not in the
    # folder a development server uses: a checkpoint of another database's trail would fail /healthz.
    database_name = os.environ["DATABASE_URL"].rsplit("/", 1)[-1].split("?")[0]
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(ROOT / "bench" / "private-media" / database_name))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench import pages

    started = time.monotonic()
    pages.ensure_data(args.scale, args.depth)
    people = pages.people()
    targets = [t for t in pages.key_pages() if args.only.lower() in t.label.lower()]

    port = _free_port()
    server = start_server(port, args.workers)
    try:
        from bench.client import Client

        clients = {}
        for who, (email, password) in people.items():
            clients[who] = Client(f"http://127.0.0.1:{port}")
            clients[who].sign_in(email, password)
        for who, secret in pages.api_tokens(people).items():
            # The API takes only tokens: a client without the session, with the header.
            clients[who] = Client(f"http://127.0.0.1:{port}")
            clients[who].headers = {"Authorization": f"Bearer {secret}"}
        opts = {"requests": args.requests, "clients": args.clients, "seconds": args.seconds}
        results: dict = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "gunicorn_workers": args.workers,
            },
            "dataset": pages.dataset_counts(),
            "options": opts,
            "floor": {
                "label": "framework floor",
                "as": "admin",
                **measure([(clients["admin"], "/bench/floor/")], **opts)[0],
            },
            "pages": [],
        }
        floor_p50 = results["floor"]["server_p50_ms"]
        for target in targets:
            pairs = [(clients[target.who], target.path)]
            if target.admin_path:
                pairs.append((clients["admin"], target.admin_path))
            measured = measure(pairs, **opts)
            row = {"label": target.label, "as": target.who, **measured[0]}
            row["ratio_to_floor"] = _ratio(row["server_p50_ms"], floor_p50)
            if target.admin_path:
                admin = {"label": f"admin: {target.admin_label}", "as": "admin", **measured[1]}
                row["admin"] = admin
                row["ratio_to_admin"] = _ratio(row["server_p50_ms"], admin["server_p50_ms"])
            results["pages"].append(row)
        if not args.only:
            results["timings"] = pages.timings(clients)
        elif "workforce" in args.only.lower():
            results["timings"] = {"workforce_forecast": pages.forecast_timing()}
    finally:
        stop_server(server)
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    print_table(results)
    Path(args.out).write_text(json.dumps(results, indent=2))
    print(f"\nWrote {args.out} in {results['elapsed_s']} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
