"""E-mails to students about preference rounds: a reminder to those who have not answered, a week
and two days before the round closes (each once), and the result when a round is confirmed.

Only students who sign in (participants) have an e-mail address; the coordinator's dashboard item
covers the rest."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from matching.models import PreferenceRound, RoundStatus, RoundStudent
from participants.models import StudentAccount
from portal.links import absolute_url
from portal.mail import send_on_commit

# (days before the closing date, the reminder's key): the nearest due one is sent, once.
REMINDER_STAGES = [(2, "2-days"), (7, "7-days")]


def _stage(closes_on: dt.date, today: dt.date) -> str | None:
    left = (closes_on - today).days
    if left < 0:
        return None
    for days, key in REMINDER_STAGES:
        if left <= days:
            return key
    return None


def send_round_reminders(today: dt.date) -> int:
    """Remind every signed-in student of an open round who has not answered. Returns how many
    were e-mailed. Safe on every worker at once: an entry is claimed before its e-mail is queued."""
    sent = 0
    rounds = PreferenceRound.objects.filter(
        status=RoundStatus.OPEN, closes_on__gte=today, closes_on__lte=today + dt.timedelta(days=REMINDER_STAGES[-1][0])
    ).select_related("partnership", "academic_year")
    for round_ in rounds:
        key = _stage(round_.closes_on, today)
        if key is None:
            continue
        accounts = {
            a.student_id: a.user
            for a in StudentAccount.objects.filter(
                student__round_entries__round=round_, user__is_active=True
            ).select_related("user")
        }
        waiting = RoundStudent.objects.filter(round=round_, answered_at__isnull=True, student_id__in=accounts).exclude(
            last_reminder=key
        )
        for entry in waiting:
            with transaction.atomic():
                claimed = (
                    RoundStudent.objects.filter(pk=entry.pk, answered_at__isnull=True)
                    .exclude(last_reminder=key)
                    .update(last_reminder=key)
                )
                if not claimed:
                    continue  # answered meanwhile, or another worker sent it
                send_on_commit(
                    "matching/email/reminder",
                    {
                        "round": round_,
                        "days": (round_.closes_on - today).days,
                        "url": absolute_url(reverse("matching:my_preferences", args=[round_.pk])),
                    },
                    [accounts[entry.student_id]],
                )
                sent += 1
    return sent


def send_results(round_: PreferenceRound, placements) -> None:
    """When a round is confirmed (inside its transaction): each signed-in student learns where they
    are proposed to go, or that they were not placed; each placement's practice educator learns who
    is coming. Queued on commit, so a rolled-back confirmation e-mails nobody."""
    placed = {p.student_id: p for p in placements}
    accounts = {
        a.student_id: a.user
        for a in StudentAccount.objects.filter(student__round_entries__round=round_).select_related("user")
    }
    home = absolute_url(reverse("participants:home"))
    for student_id, user in accounts.items():
        send_on_commit(
            "matching/email/result",
            {"round": round_, "placement": placed.get(student_id), "url": home},
            [user],
        )
    for placement in placements:
        educator = placement.offer.practice_educator
        if educator is not None and educator.email:
            send_on_commit(
                "matching/email/educator_result",
                {"round": round_, "placement": placement, "educator": educator},
                [_Recipient(educator.email, educator.full_name)],
            )


class _Recipient:
    """A practice educator on the register, who may have no sign-in: the e-mail goes to the
    register's address (portal.mail takes anything with these attributes)."""

    is_active = True

    def __init__(self, email: str, full_name: str) -> None:
        self.email, self.full_name = email, full_name
