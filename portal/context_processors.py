from django.conf import settings

from portal.middleware import session_seconds_left

# (label, URL name, section key). URL names that do not resolve yet are simply skipped.
NAV_ITEMS = [
    ("Dashboard", "dashboard", "dashboard"),
    ("Partnerships", "partnerships:partnership_list", "partnerships"),
    ("Organisations", "partnerships:organisation_list", "organisations"),
    ("Memoranda", "memoranda:list", "memoranda"),
    ("Health checks", "healthcheck:list", "healthcheck"),
    ("Placements", "placements:list", "placements"),
    ("Practice educators", "placements:educator_list", "educators"),
]


def _section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "partnerships" and (match.url_name or "").startswith("organisation"):
        return "organisations"
    if match.namespace == "placements" and "educator" in (match.url_name or ""):
        return "educators"
    return match.namespace or match.url_name or ""


def site(request):
    return {
        "SERVICE_NAME": "Partnership portal",
        "DEBUG": settings.DEBUG,
        "NAV_ITEMS": NAV_ITEMS,
        "nav_section": _section(request),
        "PORTAL_CONTACT_EMAIL": settings.PORTAL_CONTACT_EMAIL,
        "session_timeout": _session_timeout(request),
    }


def _session_timeout(request) -> dict | None:
    """The timings base.html gives static/js/session-timeout.js (signed-in pages only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return None
    left = session_seconds_left(request)
    return {
        "seconds_left": left,
        "warn_seconds": min(settings.SESSION_WARNING_SECONDS, left),
        "idle_seconds": settings.SESSION_COOKIE_AGE,
    }
