"""What preference rounds add to the core: a "Needs your attention" item for coordinators and
leads while students have not answered an open round.

Students cannot be e-mailed yet (they have no sign-in): the reminder is this dashboard item, and
`matching.selectors.unanswered(round)` lists who to remind once they can be (h-people's
participants app can register a reminder sender with portal.registry.register_reminder_sender)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from matching.models import RoundStudent
from matching.selectors import open_rounds_unanswered
from participants.selectors import register_home_section
from partnerships.access import memberships
from partnerships.models import Role
from placements.actions import Action as PlacementAction
from portal.dates import long_date
from portal.registry import AttentionItem, register_attention, register_audit_listener, register_reminder_sender


def attention(user) -> list[AttentionItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    ids = [m.partnership_id for m in memberships(user) if m.role in (Role.LEAD, Role.COORDINATOR)]
    if not ids:
        return []
    items = []
    for round_, n in open_rounds_unanswered(ids):
        items.append(
            AttentionItem(
                title=f"{n} student{'s have' if n != 1 else ' has'} not answered the {round_.words} "
                f"closing on {long_date(round_.closes_on)}",
                url=reverse("matching:round_detail", args=[round_.pk]),
                kind="Preference round",
                partnership=round_.partnership.name,
                due=round_.closes_on,
            )
        )
    return items


register_attention(attention)


def forget_purged_students(event) -> None:
    """When placements removes the personal data of students past the retention period
    (placements.services.data_protection.purge_students), what they told a round about travel,
    driving and adjustments goes too; their ranked offers stay, without a person, like their
    placements."""
    RoundStudent.objects.filter(
        Q(drives__gt="") | Q(travel_area__gt="") | Q(adjustments__gt=""),
        student__partnership_id=event.partnership_id,
        student__purged_on__isnull=False,
    ).update(drives="", travel_area="", adjustments="")


register_audit_listener("matching.purge", [PlacementAction.STUDENTS_PURGED], forget_purged_students)


def student_rounds(user):
    """The student's own preference rounds on their home page (participants): open ones to
    answer, then closed and confirmed ones with what happened. None for anyone not a student."""
    from matching.models import ProposalLine, RoundStatus
    from participants.selectors import student_for_user

    student = student_for_user(user)
    if student is None:
        return None
    mine = list(
        RoundStudent.objects.filter(student=student)
        .exclude(round__status=RoundStatus.DRAFT)
        .select_related("round", "round__academic_year")
        .prefetch_related("choices__offer")
        .order_by("-round__closes_on", "-round_id")
    )
    if not mine:
        return None
    results = {
        line.round_id: line
        for line in ProposalLine.objects.filter(
            student=student, round__status=RoundStatus.CONFIRMED, round_id__in=[e.round_id for e in mine]
        ).select_related("offer", "offer__employer")
    }
    return "matching/_student_rounds.html", {"entries": [(e, results.get(e.round_id)) for e in mine]}


register_home_section(student_rounds)


def _round_reminders(today) -> int:
    from matching.reminders import send_round_reminders

    return send_round_reminders(today)


register_reminder_sender("matching_round_reminders", _round_reminders)
