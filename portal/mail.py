"""E-mail: the one way the portal writes and sends it.

Each message is a template (`templates/<app>/email/<name>.txt`, first line the subject), rendered
once per person so each greeting and link is their own, and sent after the transaction that
caused it commits, so a change that is rolled back sends nothing. Links in them come from
portal.links.absolute_url.
"""

from __future__ import annotations

import contextlib
import threading

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

_state = threading.local()


@contextlib.contextmanager
def suppressed():
    """Send nothing inside this block (the demo's people are invented and must get no e-mail)."""
    previous = getattr(_state, "suppressed", False)
    _state.suppressed = True
    try:
        yield
    finally:
        _state.suppressed = previous


def _people(recipients) -> dict:
    if getattr(_state, "suppressed", False):
        return {}
    return {p.email: p for p in recipients if p is not None and p.email and p.is_active}


def render_email(template: str, context: dict, person) -> tuple[str, str]:
    """(subject, body) of `template` (e.g. "memoranda/email/signature_request") for one person."""
    text = render_to_string(f"{template}.txt", {**context, "person": person}).strip()
    subject, _, body = text.partition("\n")
    # A header must be one line (Django raises BadHeaderError otherwise): a stray carriage
    # return or tab from a typed value is folded into a space.
    return " ".join(subject.split()), body.strip() + "\n"


def send_now(template: str, context: dict, recipients) -> list[str]:
    """Send at once (reminders: the caller's transaction records that they went). Returns the addresses."""
    people = _people(recipients)
    for email, person in people.items():
        subject, body = render_email(template, context, person)
        send_mail(subject, body, None, [email])
    return list(people)


def send_on_commit(template: str, context: dict, recipients) -> None:
    """Send after the current transaction commits."""
    people = list(_people(recipients).values())
    if people:
        transaction.on_commit(lambda: send_now(template, context, people))
