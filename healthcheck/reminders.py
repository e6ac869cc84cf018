"""Overdue action reminders, sent once per action and due date (send_reminders runs daily)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from healthcheck.models import Action, ActionReminder
from portal.links import absolute_url
from portal.mail import queue


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
                url = absolute_url(reverse("healthcheck:action_edit", args=[action.pk]))
                queue(
                    action.owner.email,
                    f"Overdue action: {action.description[:80]}",
                    f"The action you own in {action.health_check.partnership} "
                    f"({action.rating.criterion.code}, health check {action.health_check.academic_year}) "
                    f"was due on {action.due_on:%d %B %Y}.\n\n{action.description}\n\n"
                    f"Update its status or ask a coordinator to change the due date: {url}",
                    template="healthcheck/overdue_action",
                )
        except IntegrityError:
            continue  # already reminded for this due date
        sent += 1
    return sent
