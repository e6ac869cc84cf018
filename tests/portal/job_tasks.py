"""Jobs used only by the worker tests: importable by a real worker process (it runs from the
repository root), they leave their traces in files so the test can count what ran."""

from __future__ import annotations

import time
from pathlib import Path

from portal.jobs.engine import job


@job(max_attempts=3, time_limit=2, backoff=0.1)
def slow_first_time(folder: str) -> str:
    """The first attempt takes long (the test kills its worker meanwhile); later ones finish."""
    path = Path(folder)
    with (path / "attempts").open("a") as handle:
        handle.write("attempt\n")
    if len((path / "attempts").read_text().splitlines()) == 1:
        time.sleep(60)
    with (path / "done").open("a") as handle:
        handle.write("done\n")
    return "done"


@job(max_attempts=2, time_limit=0.3, backoff=5)
def too_slow() -> None:
    time.sleep(5)


@job(max_attempts=3, time_limit=600, backoff=0.1)
def long_job_with_traces(folder: str, first_seconds: float, later_seconds: float = 0.0) -> str:
    """Like slow_first_time, but with a production-sized time limit: recovering it must not wait
    for the limit when its worker is known to be dead, nor steal it while its worker is alive."""
    path = Path(folder)
    with (path / "attempts").open("a") as handle:
        handle.write("attempt\n")
    first = len((path / "attempts").read_text().splitlines()) == 1
    time.sleep(first_seconds if first else later_seconds)
    with (path / "done").open("a") as handle:
        handle.write("done\n")
    return "done"
