"""Links that leave the portal (e-mails, PDFs, evidence certificates) are built from SITE_URL.

Never from the request: a request's Host header is whatever the client sent, so a link built
from it could point a password reset at someone else's site. `absolute_url` is the one way to
make such a link; `site_url_problem` is what the deploy check and the WSGI start-up both ask.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}  # noqa: S104 (names, not a bind)


def absolute_url(path: str) -> str:
    """`path` (starting with /) on the portal's public address."""
    return settings.SITE_URL + path


def site_url_problem(site_url: str) -> str | None:
    """Why SITE_URL cannot be used in production links, or None when it can."""
    if not site_url:
        return "SITE_URL is not set."
    parts = urlsplit(site_url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return f"SITE_URL ({site_url}) is not a web address such as https://portal.example.org."
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        return f"SITE_URL ({site_url}) points at this machine, so links in e-mails and PDFs would not work."
    if parts.scheme != "https":
        return f"SITE_URL ({site_url}) uses http://; links in e-mails and signed PDFs must use https://."
    return None


def site_url_message(problem: str) -> str:
    return (
        f"{problem} Set SITE_URL to the portal's public https:// address (for example "
        "SITE_URL=https://portal.example.org); it is used in every e-mail and PDF link. "
        "Or set DEBUG=1 for local development."
    )
