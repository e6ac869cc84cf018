"""A real HTTP receiver for webhook tests: http.server in a thread on 127.0.0.1 (a random port).

It checks each request's signature with the algorithm docs/webhooks.md documents
(webhooks.signing.verify) against the secrets it was given, and answers with the next status of
its script (then 200)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from webhooks.signing import InvalidSignature, verify


@dataclass
class Received:
    headers: dict
    body: bytes
    verified_with: list[str]  # the secrets whose signature was in the request
    status: int

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    secrets: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answered in turn, then 200
    clock: object = time.time  # the receiver's "now" for the timestamp check
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def verify(self, headers: dict, body: bytes) -> list[str]:
        good = []
        for secret in self.secrets:
            try:
                verify(secret, headers, body, now=self.clock())  # type: ignore[operator]
            except InvalidSignature:
                continue
            good.append(secret)
        return good

    def wait_for(self, count: int, seconds: float = 20.0) -> list[Received]:
        for _ in range(int(seconds / 0.05)):
            if len(self.received) >= count:
                return self.received
            time.sleep(0.05)
        raise AssertionError(f"The receiver got {len(self.received)} request(s), expected {count}")


def start(receiver: Receiver) -> tuple[ThreadingHTTPServer, threading.Thread]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = dict(self.headers.items())
            with lock:
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                good = receiver.verify(headers, body)
                if not good:
                    status = 401
                receiver.received.append(Received(headers, body, good, status))
            reply = b"ok" if status == 200 else (b"signature not valid" if status == 401 else b"x" * 5000)
            self.send_response(status)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/portal-events"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
