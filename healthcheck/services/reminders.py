"""Overdue action reminders, sent once per action and due date (send_reminders runs daily)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from healthcheck.models import Action, ActionReminder
from portal.links import absolute_url
from portal.mail import send_now


def send_overdue_action_reminders(today: date) -> int:
    """E-mail each overdue action's owner once; a unique ActionReminder row per (action, due
    date) guards repeats, so running twice sends nothing new. Returns how many were sent."""
    sent = 0
    overdue = (
        Action.objects.overdue(today)
        .exclude(reminders__due_on=F("due_on"))
        .select_related("owner", "health_check__partnership", "rating__criterion")
    )
    for action in overdue:
        if not action.owner.is_active or not action.owner.email:
            continue
        try:
            with transaction.atomic():
                ActionReminder.objects.create(action=action, due_on=action.due_on)
                # The e-mail is queued in the same savepoint as the reminder row: both are
                # kept or neither is, and the worker delivers it (retrying if the server is down).
                send_now(
                    "healthcheck/email/overdue_action",
                    {
                        "action": action,
                        # The subject is the template's first line: the description is typed in a
                        # text area, so its line breaks are folded into spaces there.
                        "subject_description": " ".join(action.description[:80].split()),
                        "url": absolute_url(reverse("healthcheck:action_edit", args=[action.pk])),
                    },
                    [action.owner],
                )
        except IntegrityError:
            continue  # already reminded for this due date
        sent += 1
    return sent
