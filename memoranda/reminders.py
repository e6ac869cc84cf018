"""Reminders sent by `manage.py send_reminders` (daily cron):

* named signatories who have not signed 7 days after a version was sent (once per version);
* partnership leads when a review is due in 60, 30 and 7 days, and once when it is overdue.

Each reminder has a key; a unique ReminderSent row is written in the same transaction as the
e-mail is sent, so running the command twice (or twice at once) never sends one twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse

from memoranda.models import Memorandum, MemorandumVersion, ReminderSent, Status, VersionStatus
from partnerships.models import Membership, Role
from portal.links import absolute_url
from portal.mail import send_now
from portal.models import User

SIGNATURE_REMINDER_DAYS = 7
REVIEW_STAGES = [(7, "7"), (30, "30"), (60, "60")]


def due_stage(review_date: date, today: date) -> str | None:
    """The most urgent review reminder reached: "overdue", "7", "30", "60" or None."""
    days = (review_date - today).days
    if days < 0:
        return "overdue"
    for limit, stage in REVIEW_STAGES:
        if days <= limit:
            return stage
    return None


def _send_once(memorandum: Memorandum, key: str, template: str, context: dict, people) -> bool:
    if not people or ReminderSent.objects.filter(memorandum=memorandum, key=key).exists():
        return False
    try:
        with transaction.atomic():
            row = ReminderSent.objects.create(memorandum=memorandum, key=key)
            row.recipients = ", ".join(send_now(template, context, people))
            row.save(update_fields=["recipients"])
    except IntegrityError:
        return False  # another run sent it meanwhile
    return True


def _review_reminders(today: date) -> int:
    sent = 0
    memoranda = (
        Memorandum.objects.filter(status=Status.ACTIVE, review_date__lte=today + timedelta(days=REVIEW_STAGES[-1][0]))
        .select_related("partnership")
        .order_by("review_date", "pk")
    )
    leads: dict[int, list] = {}
    for m in Membership.objects.filter(
        role=Role.LEAD, user__is_active=True, partnership_id__in={m.partnership_id for m in memoranda}
    ).select_related("user"):
        leads.setdefault(m.partnership_id, []).append(m.user)
    for memorandum in memoranda:
        stage = due_stage(memorandum.review_date, today)
        if stage is None:
            continue
        context = {
            "memorandum": memorandum,
            "overdue": stage == "overdue",
            "days": (memorandum.review_date - today).days,
            "review_url": absolute_url(reverse("memoranda:review", kwargs={"pk": memorandum.pk})),
        }
        key = f"review:{memorandum.review_date.isoformat()}:{stage}"
        sent += _send_once(
            memorandum, key, "memoranda/email/reminder_review", context, leads.get(memorandum.partnership_id, [])
        )
    return sent


def _signature_reminders(today: date) -> int:
    sent = 0
    cutoff = today - timedelta(days=SIGNATURE_REMINDER_DAYS)
    versions = (
        MemorandumVersion.objects.filter(
            status=VersionStatus.AWAITING, memorandum__status=Status.AWAITING, sent_at__date__lte=cutoff
        )
        .select_related("memorandum__partnership")
        .prefetch_related("signatures")
        .order_by("sent_at")
    )
    pending = []
    for version in versions:
        signed = {s.organisation_id for s in version.signatures.all()}
        pending += [(version, p) for p in version.parties if p["organisation_id"] not in signed and p["signatory_id"]]
    users = User.objects.in_bulk({p["signatory_id"] for _, p in pending})
    for version, party in pending:
        context = {
            "memorandum": version.memorandum,
            "version": version,
            "organisation": party["organisation"],
            "sign_url": absolute_url(reverse("memoranda:sign", kwargs={"pk": version.memorandum_id})),
        }
        key = f"signature:v{version.pk}:org{party['organisation_id']}"
        person = users.get(party["signatory_id"])
        sent += _send_once(
            version.memorandum, key, "memoranda/email/reminder_signature", context, [person] if person else []
        )
    return sent


def send_due_reminders(today: date) -> int:
    """Send every reminder due today that has not been sent before. Returns how many were sent."""
    return _signature_reminders(today) + _review_reminders(today)
