"""What health checks contribute to the core: overdue actions and sign-offs waiting on the
dashboard, the Health checks section of the partnership page, and overdue action reminders."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from healthcheck import permissions  # noqa: F401 (registers the app's permissions)
from healthcheck.actions import Action as AuditAction
from healthcheck.models import Action, HealthCheck, Status
from healthcheck.selectors import partnership_panel
from healthcheck.services.reminders import send_overdue_action_reminders
from healthcheck.services.signing import can_sign_off
from partnerships.access import partnership_ids_with_role
from portal.registry import (
    AttentionItem,
    HistoryKind,
    NavItem,
    PartnershipPanel,
    ScaleBuilder,
    register_attention,
    register_history_kind,
    register_nav_item,
    register_partnership_panel,
    register_reminder_sender,
    register_scale_builder,
)


def _attention(user) -> list:
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    items = [
        AttentionItem(
            title=f"{action.rating.criterion.code}: {action.description[:100]}",
            url=reverse("healthcheck:action_edit", args=[action.pk]),
            kind="Health check action",
            partnership=action.health_check.partnership.name,
            due=action.due_on,
            overdue=True,
        )
        for action in Action.objects.overdue(today)
        .filter(owner=user)
        .select_related("rating__criterion", "health_check__partnership")
    ]
    signing_for = partnership_ids_with_role(user, "signatory")
    # A health check sent to a named signatory is their task alone (the others can still open and
    # sign it); one sent to nobody in particular (submitted before signatories were named) is
    # every eligible signatory's.
    waiting = (
        HealthCheck.objects.filter(status=Status.SUBMITTED, partnership_id__in=signing_for)
        .filter(Q(signatory=user) | Q(signatory__isnull=True))
        .select_related("partnership", "organisation")
        if signing_for
        else []
    )
    items += [
        AttentionItem(
            title=f"Sign off the {hc.academic_year} health check for {hc.scope_label}",
            url=reverse("healthcheck:sign_off", args=[hc.pk]),
            kind="Sign-off",
            partnership=hc.partnership.name,
        )
        for hc in waiting
        if can_sign_off(user, hc)
    ]
    return items


def _panel(user, partnership) -> dict | None:
    return partnership_panel(user, partnership)


register_attention(_attention)
register_partnership_panel(
    PartnershipPanel(
        key="health-checks",
        title="Health checks",
        template="healthcheck/_partnership_panel.html",
        context=_panel,
        order=30,
    )
)
register_reminder_sender("health check actions", send_overdue_action_reminders)
register_nav_item(
    NavItem("Health checks", "healthcheck:list", 40, lambda namespace, url_name: namespace == "healthcheck")
)

register_scale_builder(
    ScaleBuilder(
        "healthcheck",
        "healthcheck.scale.build",
        counts={"health_checks": 300, "criteria_per_check": 40},
        unscaled=frozenset({"criteria_per_check"}),
    )
)
register_history_kind(
    HistoryKind(
        15, "healthcheck.HealthCheck", (AuditAction.RATED, AuditAction.EVIDENCE_ADDED, AuditAction.ACTION_ADDED)
    )
)
