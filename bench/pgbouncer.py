"""PgBouncer for the many-instance run: transaction pooling in front of the benchmark's PostgreSQL.

Started from a temporary folder with its own config, on a free port; the instances connect to it
with DATABASE_POOL_MODE=transaction (config/settings.py then turns off server-side cursors, which
cannot survive transaction pooling). Debian's `pgbouncer` refuses to run as root, so as root it is
started with `-u postgres`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Bouncer:
    process: subprocess.Popen
    port: int
    folder: Path

    def url(self, database_url: str) -> str:
        """The same database, through the pooler."""
        parts = urlsplit(database_url)
        user = parts.username or "postgres"
        return f"postgres://{user}@127.0.0.1:{self.port}{parts.path}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(database_url: str, *, pool_size: int = 20) -> Bouncer | None:
    """A running PgBouncer in front of the database of `database_url`, or None when the binary is
    not installed (the run then connects directly and says so)."""
    binary = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
    if binary is None:
        return None
    parts = urlsplit(database_url)
    user = parts.username or "postgres"
    port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="bench-pgbouncer-"))
    (folder / "users.txt").write_text(f'"{user}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        "\n".join(
            [
                "[databases]",
                f"* = host={parts.hostname or '127.0.0.1'} port={parts.port or 5432}",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                f"listen_port = {port}",
                "auth_type = trust",
                f"auth_file = {folder / 'users.txt'}",
                "pool_mode = transaction",
                f"default_pool_size = {pool_size}",
                "max_client_conn = 500",
                "server_reset_query =",
                "ignore_startup_parameters = extra_float_digits,options",
                f"unix_socket_dir = {folder}",
                f"logfile = {folder / 'pgbouncer.log'}",
                "",
            ]
        )
    )
    command = [binary, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:
        shutil.chown(folder, user="postgres")
        for child in folder.iterdir():
            shutil.chown(child, user="postgres")
        command[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if process.poll() is not None:
            log = (folder / "pgbouncer.log").read_text() if (folder / "pgbouncer.log").exists() else ""
            raise RuntimeError(f"pgbouncer exited while starting: {log[-500:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return Bouncer(process, port, folder)
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("pgbouncer did not listen within 10 s")
