from tests.access import LOGIN, Row, public, signed_in

ROWS = [
    # Students and practice educators (participants/) are sent to their own page.
    Row("dashboard", {**signed_in(), "student": 302, "educator": 302}),
    Row("healthz", public()),
    # The pages in the footer, open to everyone (portal/views_public.py).
    Row("service_status", public()),
    Row("accessibility", public()),
    Row("privacy", public()),
    Row("cookies", public()),
    Row("signed_out", public()),
    # "Stay signed in" on the timeout warning: a POST by someone signed in.
    Row("session_keep_alive", signed_in(405)),
    Row(
        "login",
        {
            "anonymous": 200,
            "non_member": 302,
            "member": 302,
            "coordinator": 302,
            "signatory": 302,
            "lead": 302,
            "admin": 302,
            "student": 302,
            "educator": 302,
        },
    ),
    # Signing out needs a POST; a GET is refused for everyone.
    Row("logout", public(405)),
    Row("password_change", signed_in()),
    Row("password_change_done", signed_in()),
    Row("password_reset", public()),
    Row("password_reset_done", public()),
    Row("password_reset_confirm", public(), kwargs=lambda w: {"uidb64": "MQ", "token": "invalid-token"}),
    Row("password_reset_complete", public()),
    Row("invitation_accept", public(), kwargs=lambda w: {"uidb64": "MQ", "token": "invalid-token"}),
    Row(
        "admin:index",
        {
            "anonymous": 302,
            "non_member": 302,
            "member": 302,
            "coordinator": 302,
            "signatory": 302,
            "lead": 302,
            "admin": 200,
            "student": 302,
            "educator": 302,
        },
        note="Django admin redirects to its own sign-in page",
    ),
]

__all__ = ["ROWS", "LOGIN"]


def _export(w):
    """A placements export the world's coordinator asked for, built (in process) and ready."""
    from django.test import Client

    from portal.jobs.models import Export
    from tests.placements.factories import placements_world

    placements_world(w)
    client = Client()
    client.force_login(w.user("coordinator"))
    client.get("/placements/?export=csv")
    return {"pk": Export.objects.get(owner=w.user("coordinator")).pk}


# The person who asked, and those holding the student-export right in its partnerships (the
# lead; site administrators); everyone else, members included, gets 404.
EXPORT_FETCHERS: dict[str, int | str] = {
    "anonymous": LOGIN,
    "non_member": 404,
    "member": 404,
    "coordinator": 200,
    "signatory": 404,
    "lead": 200,
    "admin": 200,
    "student": 404,
    "educator": 404,
}
ROWS += [
    Row("export_detail", EXPORT_FETCHERS, kwargs=_export),
    Row("export_download", EXPORT_FETCHERS, kwargs=_export),
]
