"""The portal's own middleware: security headers Django does not set itself, and sliding sessions."""

from __future__ import annotations

import time

from django.conf import settings
from django.utils.cache import patch_cache_control

# Scripts only from our own origin: no inline script anywhere in the templates. Inline style
# attributes are allowed because charts are small inline SVGs sized with style attributes.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Also keeps private data out of shared caches (a proxy or CDN in front of the portal): every
    download (exports, evidence, PDFs, subject-access files) is `private, no-store`, whichever view
    made it, and a page that depends on the signed-in person (Vary: Cookie) is `private`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        # Django's XFrameOptionsMiddleware sits inside CommonMiddleware, so a request refused
        # there (a bad Host header: 400) would go out without it.
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if response.get("Content-Disposition", "").startswith("attachment"):
            patch_cache_control(response, private=True, no_store=True)
        elif "Cache-Control" not in response and "cookie" in response.get("Vary", "").lower():
            patch_cache_control(response, private=True)
        return response


class SlidingSessionMiddleware:
    """Sign people out after SESSION_IDLE_MINUTES without activity, without a write per page.

    Django's SESSION_SAVE_EVERY_REQUEST would update the session row on every request; instead
    the expiry is pushed forward at most once a minute (by changing a timestamp in the session,
    which makes SessionMiddleware save it), so the idle limit holds to within a minute. It sits
    inside SessionMiddleware so the change is seen when the response goes out."""

    TOUCH_EVERY_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only existing sessions of signed-in people: no session is started for a passer-by.
        if session is not None and session.session_key and getattr(request, "user", None) is not None:
            if request.user.is_authenticated:
                now = int(time.time())
                if now - session.get("touched_at", 0) >= self.TOUCH_EVERY_SECONDS:
                    session["touched_at"] = now
        return response


def mark_session_touched(sender, request, user, **kwargs) -> None:
    """Signing in saves the session anyway, so the minute starts then (no second write on the
    first page after signing in). Connected to user_logged_in in PortalConfig.ready()."""
    if request is not None and hasattr(request, "session"):
        request.session["touched_at"] = int(time.time())


def touch_session(request) -> None:
    """Restart the idle limit now (the "Stay signed in" button): changing the timestamp saves the
    session, which moves its expiry SESSION_COOKIE_AGE on from now."""
    request.session["touched_at"] = int(time.time())


def session_seconds_left(request) -> int:
    """How long the signed-in person's session will last from this response if they do nothing.

    The expiry moves on only when the session is saved, which SlidingSessionMiddleware does at most
    once a minute: a page shown within the minute after the last save expires that much sooner,
    so the warning is timed from the last save, not from the page."""
    idle = int(time.time()) - request.session.get("touched_at", 0)
    if idle >= SlidingSessionMiddleware.TOUCH_EVERY_SECONDS:
        return settings.SESSION_COOKIE_AGE  # this response saves the session
    return max(settings.SESSION_COOKIE_AGE - idle, 0)
