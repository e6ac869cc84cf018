from django.conf import settings
from django.urls import NoReverseMatch, reverse

from portal.middleware import session_seconds_left
from portal.registry import nav_items_for


def _navigation(request) -> list[tuple[str, str, bool]]:
    """(label, address, is the current section) for each menu item this person sees; the items
    come from the apps (portal.registry.register_nav_item). An unresolvable URL name is skipped."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    namespace, url_name = (match.namespace or "", match.url_name or "") if match else ("", "")
    items = []
    for item in nav_items_for(user):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append((item.label, url, match is not None and item.current(namespace, url_name)))
    return items


def site(request):
    return {
        "SERVICE_NAME": "Partnership portal",
        "DEBUG": settings.DEBUG,
        "NAV_ITEMS": _navigation(request),
        "PORTAL_CONTACT_EMAIL": settings.PORTAL_CONTACT_EMAIL,
        "session_timeout": _session_timeout(request),
        "audit_alert": _audit_alert(request),
    }


def _audit_alert(request):
    """The newest audit-trail check, when it found a break: base.html shows site administrators a
    banner until a later check passes (someone has to act; an operator's log is not enough)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_site_admin:
        return None
    from portal.audit_status import latest_failure

    return latest_failure()


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
