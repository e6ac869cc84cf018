"""A small HTTP client for the benchmark: signs in like a browser and reads the timing headers.

Plain urllib with a cookie jar: gunicorn's sync workers close every connection anyway, so a
keep-alive client would not change what is measured.
"""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Sample:
    status: int
    client_ms: float  # as the client saw it: network, gunicorn and the application
    server_ms: float | None  # inside Django (bench.middleware.ServerTimingMiddleware)
    queries: int | None
    size: int


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base_url: str, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.headers: dict[str, str] = {}  # sent with every request (the API's bearer token)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def clone(self) -> Client:
        """Another client with the same session (for concurrent requests as the same person)."""
        other = Client(self.base_url, self.timeout)
        other.headers = dict(self.headers)
        for cookie in self.jar:
            other.jar.set_cookie(cookie)
        return other

    def request(self, path: str, data: dict | None = None) -> tuple[Sample, bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base_url + path, data=body, headers=self.headers)
        if body is not None:
            req.add_header("Referer", self.base_url + path)
        started = time.perf_counter()
        try:
            response = self.opener.open(req, timeout=self.timeout)
            status, headers, content = response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:  # 3xx (redirects are not followed), 4xx, 5xx
            status, headers, content = exc.code, exc.headers, exc.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return Sample(0, (time.perf_counter() - started) * 1000, None, None, 0), b""
        client_ms = (time.perf_counter() - started) * 1000
        server_ms = None
        timing = headers.get("Server-Timing", "")
        if "dur=" in timing:
            server_ms = float(timing.split("dur=")[1].split(",")[0])
        queries = headers.get("X-Bench-Queries")
        return Sample(status, client_ms, server_ms, int(queries) if queries else None, len(content)), content

    def get(self, path: str) -> Sample:
        return self.request(path)[0]

    def sign_in(self, email: str, password: str) -> None:
        _, page = self.request("/accounts/login/")
        match = _CSRF_INPUT.search(page.decode("utf-8", "replace"))
        if not match:
            raise RuntimeError("The sign-in page has no CSRF token")
        sample, _ = self.request(
            "/accounts/login/",
            {"csrfmiddlewaretoken": match.group(1), "username": email, "password": password},
        )
        if sample.status != 302:
            raise RuntimeError(f"Signing in as {email} failed (HTTP {sample.status})")
