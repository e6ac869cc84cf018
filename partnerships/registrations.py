"""What the partnerships app contributes to the core registries: the user's partnerships with
their role on the dashboard, "needs your attention" items for leads (partners nobody can sign
for), the Partnerships and Organisations menu items, and its part of the scale dataset."""

from django.urls import reverse
from django.utils import timezone

from partnerships.access import Perm, partnership_ids_with_role, roles_allowed
from partnerships.actions import Action
from partnerships.models import DecisionAction, Partnership, Role
from partnerships.selectors import dashboard_partnerships, missed_meetings, partners_missing_a_signatory
from partnerships.services.common import day
from portal.registry import (
    AttentionItem,
    DashboardPanel,
    HistoryKind,
    NavItem,
    ScaleBuilder,
    register_attention,
    register_history_kind,
    register_nav_item,
    register_panel,
    register_scale_builder,
)

# Site administrators see every partnership; the dashboard lists the first few and links to the rest.
DASHBOARD_LIMIT = 12


def _your_partnerships(user):
    rows = dashboard_partnerships(user, limit=DASHBOARD_LIMIT + 1)
    return {
        "rows": rows[:DASHBOARD_LIMIT],
        "more": len(rows) > DASHBOARD_LIMIT,
        "is_site_admin": user.is_site_admin,
    }


def _partners_without_a_signatory(user):
    """Leads: a current partner with no signatory blocks every memorandum that covers it."""
    led = partnership_ids_with_role(user, Role.LEAD)
    if not led:
        return []
    return [
        AttentionItem(
            title=f"Add a signatory for {partner.organisation.name}",
            url=reverse("partnerships:membership_invite", args=[partner.partnership.slug])
            + f"?organisation={partner.organisation_id}",
            kind="No signatory",
            partnership=partner.partnership.name,
        )
        for partner in partners_missing_a_signatory(led)
    ]


def _missed_meetings(user):
    """Those who record meetings (leads, coordinators): a group that has not met as often as it
    should (partnerships.governance.MEETING_RULE_IN_WORDS)."""
    recording = partnership_ids_with_role(user, *roles_allowed(Perm.RECORD_MEETING))
    if not recording:
        return []
    return [
        AttentionItem(
            title=f"{group.name} has not met since {day(due.last_held_on)}: record its meeting",
            url=reverse("partnerships:group_detail", args=[group.partnership.slug, group.pk]),
            kind="Missed meeting",
            partnership=group.partnership.name,
            due=due.due_by,
            overdue=True,
        )
        for group, due in missed_meetings(recording, timezone.localdate())
        if due.last_held_on is not None
    ]


register_panel(DashboardPanel(template="partnerships/_dashboard_panel.html", context=_your_partnerships, order=10))
register_attention(_partners_without_a_signatory)
register_attention(_missed_meetings)


def _overdue_decision_actions(user):
    """The owner: an action from a governance meeting past its due date (as health-check actions)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        AttentionItem(
            title=f"{action.meeting.group.name}: {action.description[:100]}",
            url=reverse("partnerships:decision_action_edit", args=[action.meeting.group.partnership.slug, action.pk]),
            kind="Governance action",
            partnership=action.meeting.group.partnership.name,
            due=action.due_on,
            overdue=True,
        )
        for action in DecisionAction.objects.overdue(timezone.localdate())
        .filter(owner=user)
        .select_related("meeting__group__partnership")
    ]


register_attention(_overdue_decision_actions)

# Organisation pages live in this app's namespace but are their own section of the menu.
register_nav_item(
    NavItem(
        "Partnerships",
        "partnerships:partnership_list",
        10,
        lambda namespace, url_name: namespace == "partnerships" and not url_name.startswith("organisation"),
    )
)
register_nav_item(
    NavItem(
        "Organisations",
        "partnerships:organisation_list",
        20,
        lambda namespace, url_name: namespace == "partnerships" and url_name.startswith("organisation"),
    )
)

# The national-scale dataset (manage.py seed_scale): the partnerships, organisations and people
# every other app's data attaches to.
register_scale_builder(
    ScaleBuilder(
        "partnerships",
        "partnerships.scale.build",
        counts={
            "partnerships": 30,
            "local_authorities": 150,
            "universities": 60,
            "providers": 200,
            "user_groups": 40,
            "users": 3000,
        },
        has_data=lambda: Partnership.objects.exists(),
    )
)
register_history_kind(
    HistoryKind(
        15,
        "partnerships.Partnership",
        (Action.PARTNERSHIP_UPDATED, Action.MEETING_RECORDED, Action.MEMBERSHIP_ADDED),
        partnership_field="id",
    )
)
