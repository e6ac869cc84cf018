"""E-mails about memoranda, written as templates (templates/memoranda/email/<name>.txt, first
line the subject) and sent one per person so each greeting and link is their own."""

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
    text = render_to_string(f"memoranda/email/{template}.txt", {**context, "person": person}).strip()
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"


def send_now(template: str, context: dict, recipients) -> list[str]:
    """Send at once (reminders: the caller's transaction records that they went). Returns the addresses."""
    people = _people(recipients)
    for email, person in people.items():
        subject, body = render_email(template, context, person)
        send_mail(subject, body, None, [email])
    return list(people)


def send_on_commit(template: str, context: dict, recipients) -> None:
    """Send after the current transaction commits, so a rolled-back change sends nothing."""
    people = list(_people(recipients).values())
    if people:
        transaction.on_commit(lambda: send_now(template, context, people))
