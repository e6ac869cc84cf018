"""E-mail: the one way the portal writes and sends it.

Each message is a template (`templates/<app>/email/<name>.txt`, first line the subject), rendered
once per person so each greeting and link is their own. Rendering writes an `OutgoingMail` row and
queues the `deliver` job in the caller's transaction (portal/jobs): a change that is rolled back
sends nothing, one that commits sends for certain, and the SMTP conversation happens in a worker,
never in a request, so a mail outage shows nobody an error page (the job retries with back-off and
a site administrator sees the e-mails that still failed). Links in them come from
portal.links.absolute_url.
"""

from __future__ import annotations

import contextlib
import smtplib
import threading

from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import make_msgid
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from portal.jobs.engine import enqueue, job
from portal.jobs.models import OutgoingMail

_state = threading.local()

# The server answered and refused the message: it was certainly not accepted, so trying again
# later cannot send it twice. Anything else after the connection opened (a timeout waiting for
# the reply to the message's data, a dropped connection) leaves it unknown whether it went.
_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError, smtplib.SMTPHeloError)


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


def queue(to: str, subject: str, body: str, *, template: str = "", now: bool = True) -> OutgoingMail | None:
    """Queue one plain e-mail in the current transaction. `now=False` (in process only: tests and
    JOBS_IN_PROCESS) delivers after the commit rather than at once."""
    if getattr(_state, "suppressed", False):
        return None
    mail = OutgoingMail.objects.create(to=to, subject=subject[:500], body=body, template=template)
    enqueue(deliver, mail.pk, in_process="now" if now else "on_commit")
    return mail


def send_now(template: str, context: dict, recipients) -> list[str]:
    """Queue one e-mail per person in the caller's transaction (reminders record in the same
    transaction that they went). Returns the addresses."""
    people = _people(recipients)
    for email, person in people.items():
        subject, body = render_email(template, context, person)
        queue(email, subject, body, template=template)
    return list(people)


def send_on_commit(template: str, context: dict, recipients) -> None:
    """Queue e-mails that go once the current transaction commits (nothing if it rolls back)."""
    for email, person in _people(recipients).items():
        subject, body = render_email(template, context, person)
        queue(email, subject, body, template=template, now=False)


def _mail_failed(mail_id: int) -> None:
    OutgoingMail.objects.filter(pk=mail_id, sent_at=None).update(failed=True)


@job(max_attempts=6, time_limit=120, backoff=60, on_failure=_mail_failed)
def deliver(mail_id: int) -> str:
    """Send one queued e-mail, at most once (see OutgoingMail)."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.sent_at or mail.failed:
            return "nothing to send"
        if mail.sending_since:
            # An earlier attempt died during the SMTP conversation: it may have been delivered.
            mail.uncertain = mail.failed = True
            mail.last_error = (
                "An earlier attempt stopped while sending; it may have been delivered, so it was not sent again."
            )
            mail.save(update_fields=["uncertain", "failed", "last_error"])
            return "uncertain"
        mail.sending_since = timezone.now()
        mail.attempts += 1
        mail.save(update_fields=["sending_since", "attempts"])
    message = EmailMessage(
        mail.subject, mail.body, None, [mail.to], headers={"Message-ID": make_msgid(f"outgoing-{mail.pk}")}
    )
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:  # nothing was sent: free to try again
        _not_sent(mail, exc)
        raise
    try:
        connection.send_messages([message])
    except _REFUSED as exc:
        _not_sent(mail, exc)
        raise
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    OutgoingMail.objects.filter(pk=mail.pk).update(sent_at=timezone.now(), last_error="")
    return "sent"


def _not_sent(mail: OutgoingMail, exc: Exception) -> None:
    OutgoingMail.objects.filter(pk=mail.pk).update(sending_since=None, last_error=f"{type(exc).__name__}: {exc}"[:2000])
