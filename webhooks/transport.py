"""Sending one request to a partnership's endpoint, safely.

* Only https, except plain http to this machine when WEBHOOKS_ALLOW_LOCALHOST_HTTP is on (tests).
* The host is resolved here and every address must be public: a private, loopback, link-local or
  reserved one is refused (so an endpoint cannot make the portal call its own network: SSRF). The
  connection then goes to the address that was checked, so the name cannot be re-pointed between
  the check and the call (DNS rebinding); TLS still verifies the certificate for the name.
* A short time limit (WEBHOOKS_TIMEOUT_SECONDS), redirects never followed (a 3xx is a failure),
  and at most RESPONSE_EXCERPT_BYTES of the reply read.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

RESPONSE_EXCERPT_BYTES = 2000
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


class Refused(Exception):
    """The address may not be called; nothing was sent."""


class Unresolvable(Refused):
    """The name has no address (now): nothing was sent."""


@dataclass(frozen=True)
class Response:
    status: int
    excerpt: str
    duration_ms: int


def _allow_local() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_LOCALHOST_HTTP", False))


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return _allow_local()
    return ip.is_global and not ip.is_multicast


def url_problem(url: str) -> str | None:
    """Why this address cannot be an endpoint (shape only, no network), or None."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "Enter a full web address, such as https://example.org/portal-events"
    if any(c.isspace() or ord(c) < 32 for c in url):
        return "The address must not contain spaces"
    if not host:
        return "Enter a full web address, such as https://example.org/portal-events"
    if parts.username or parts.password:
        return "The address must not contain a user name or password"
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "The port in the address is not a number"
    if parts.scheme == "http" and _allow_local() and host in LOOPBACK_NAMES:
        return None
    if parts.scheme != "https":
        return "The address must start with https:// (events are sent encrypted)"
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None and not _address_allowed(host):
        return "The address must be on the public internet, not a private or local network"
    if host.endswith((".localhost", ".local", ".internal")):
        if not _allow_local():
            return "The address must be on the public internet, not a private or local network"
    return None


def check_url(url: str) -> None:
    """For a form: refuse an address by its shape, or one whose name resolves to a private address
    now (a name that does not resolve yet is accepted: delivery will say so)."""
    if problem := url_problem(url):
        raise ValidationError({"url": problem})
    parts = urlsplit(url)
    try:
        resolve(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
    except Unresolvable:
        pass  # perhaps not set up yet: its attempts will say so
    except Refused:
        raise ValidationError(
            {"url": "The address must be on the public internet, not a private or local network"}
        ) from None


def resolve(host: str, port: int) -> str:
    """The address to connect to; Refused unless every address the name has is allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:
        raise Unresolvable(f"could not resolve {host}") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise Unresolvable(f"could not resolve {host}")
    for address in addresses:
        if not _address_allowed(str(address)):
            raise Refused(f"{host} resolves to {address}, which is not a public address")
    return str(addresses[0])


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST `body` once. Raises Refused (nothing sent) or OSError/HTTPException (no reply)."""
    if problem := url_problem(url):
        raise Refused(problem)
    parts = urlsplit(url)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    address = resolve(host, port)
    timeout = float(getattr(settings, "WEBHOOKS_TIMEOUT_SECONDS", 10))
    connection_class = _PinnedHTTPS if secure else _PinnedHTTP
    connection = connection_class(host, port, address, timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": "partnership-portal-webhooks/1",
            },
        )
        reply = connection.getresponse()
        excerpt = reply.read(RESPONSE_EXCERPT_BYTES)
    finally:
        connection.close()
    duration = round((time.monotonic() - started) * 1000)
    return Response(reply.status, excerpt.decode("utf-8", "replace"), duration)
