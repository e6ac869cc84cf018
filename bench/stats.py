"""Percentiles and load runs shared by the benchmark and the load script."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from bench.client import Client, Sample


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0-100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, round(p / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def run_for(clients: list[Client], paths: Callable[[int, int], str], seconds: float) -> tuple[list[Sample], float]:
    """Each client requests `paths(client_index, n)` back to back for `seconds`; returns every sample
    and the wall time actually taken."""
    samples: list[Sample] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def work(index: int, client: Client) -> None:
        n = 0
        mine = []
        while time.perf_counter() < deadline:
            mine.append(client.get(paths(index, n)))
            n += 1
        with lock:
            samples.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started
