"""What participants contributes to the core registries: the narrow home of students and
practice educators (the dashboard sends them there and their menu shows only it), the menu item,
their own placements in calendar links, and closing purged students' sign-ins when placements'
purge records its event."""

from __future__ import annotations

from django.urls import reverse

from calendars.selectors import register_event_source
from participants.selectors import is_participant_only, own_placement_events
from placements.actions import Action as PlacementAction
from portal.registry import (
    NavItem,
    register_audit_listener,
    register_narrow_home,
    register_nav_item,
    register_reminder_sender,
)


def _home(user) -> str | None:
    return reverse("participants:home") if is_participant_only(user) else None


register_narrow_home(_home)

register_nav_item(
    NavItem(
        "Your placements",
        "participants:home",
        5,
        lambda namespace, url_name: namespace == "participants",
        visible=is_participant_only,
        narrow=True,
    )
)


def _close_purged(event) -> None:
    from participants.services import close_purged_accounts

    close_purged_accounts(event.partnership_id)


register_audit_listener("participants.close_purged_accounts", [PlacementAction.STUDENTS_PURGED], _close_purged)


# A student's or practice educator's calendar link carries their own placements (the partnership
# calendar page stays for members).
register_event_source(own_placement_events)


def _close_all_purged(today) -> int:
    """The daily safety net behind the listener above: a listener's failure is logged and rolled
    back on its own (it never stops the purge), so any purged student still holding a sign-in
    loses it at the next daily run."""
    from django.db import transaction

    from participants.models import StudentAccount
    from participants.services import close_student_accounts

    with transaction.atomic():
        ids = StudentAccount.objects.filter(student__purged_on__isnull=False).values_list("student_id", flat=True)
        return close_student_accounts(list(ids))


register_reminder_sender("participants_close_purged_accounts", _close_all_purged)
