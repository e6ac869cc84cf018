from django.conf import settings

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
    }
