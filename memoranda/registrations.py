"""What memoranda contributes to the core registries: live metrics for health checks, dashboard
attention items, the memoranda panel on the partnership page and the reminder sender."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from memoranda import (
    permissions,  # noqa: F401 (registers the app's permissions)
    selectors,
)
from memoranda.actions import Action
from memoranda.models import Memorandum, Status
from memoranda.permissions import MemorandumPerm
from memoranda.reminders import send_due_reminders
from partnerships.access import can
from portal.registry import (
    AttentionItem,
    HistoryKind,
    Metric,
    MetricValue,
    NavItem,
    PartnershipPanel,
    ScaleBuilder,
    register_attention,
    register_history_kind,
    register_metric,
    register_nav_item,
    register_partnership_panel,
    register_reminder_sender,
    register_scale_builder,
)


def signed_covering_all_partners(partnership, organisation=None, academic_year=None) -> MetricValue:
    partners = {
        p.organisation_id: p.organisation.name
        for p in partnership.partners.select_related("organisation")
        if p.is_current
    }
    if organisation is not None:
        partners = {k: v for k, v in partners.items() if k == organisation.pk}
    if not partners:
        return MetricValue(None, "No partners", "There are no current partners to cover.")
    covered = set(
        Memorandum.objects.filter(partnership=partnership, status=Status.ACTIVE).values_list(
            "parties__organisation_id", flat=True
        )
    )
    missing = [name for pk, name in partners.items() if pk not in covered]
    if missing:
        return MetricValue(0, "No", "Not covered by an active signed memorandum: " + ", ".join(sorted(missing)))
    return MetricValue(1, "Yes", "Every current partner is a party to an active signed memorandum.")


def review_on_time(partnership, organisation=None, academic_year=None) -> MetricValue:
    active = Memorandum.objects.filter(partnership=partnership, status=Status.ACTIVE)
    if organisation is not None:
        active = active.filter(parties__organisation=organisation)
    rows = list(active.values_list("title", "review_date"))
    if not rows:
        return MetricValue(0, "No", "There is no active signed memorandum to keep under review.")
    today = timezone.localdate()
    late = [f"{title} (due {due:%d %B %Y})" for title, due in rows if due and due < today]
    if late:
        return MetricValue(0, "No", "Past its review date: " + ", ".join(late))
    return MetricValue(1, "Yes", "No active memorandum is past its review date.")


register_metric(
    Metric(
        "memorandum.signed_covering_all_partners",
        "Memorandum signed by every partner",
        "An active signed memorandum binds every current partner.",
        "yes/no",
        signed_covering_all_partners,
    )
)
register_metric(
    Metric(
        "memorandum.review_on_time",
        "Memorandum reviewed on time",
        "No active memorandum is past its review date.",
        "yes/no",
        review_on_time,
    )
)


def attention(user) -> list[AttentionItem]:
    """Signatures awaited from this person; for the partnerships they lead, reviews due within 60
    days or overdue, memoranda still awaiting signatures after their start date, and declined
    versions."""
    items = []
    for version, party in selectors.awaiting_signature_by(user):
        items.append(
            AttentionItem(
                title=f"Sign {version.memorandum.title} for {party['organisation']}",
                url=reverse("memoranda:sign", kwargs={"pk": version.memorandum_id}),
                kind="Signature",
                partnership=version.memorandum.partnership.name,
            )
        )
    for memorandum in selectors.reviews_due_for_lead(user):
        items.append(
            AttentionItem(
                title=f"Review {memorandum.title}",
                url=reverse("memoranda:review", kwargs={"pk": memorandum.pk}),
                kind="Review",
                partnership=memorandum.partnership.name,
                due=memorandum.review_date,
                overdue=memorandum.review_overdue,  # the selector returns active ones with a date
            )
        )
    for memorandum in selectors.late_signing_for_lead(user):
        items.append(
            AttentionItem(
                title=f"{memorandum.title} started without every signature: chase the signatories",
                url=memorandum.get_absolute_url(),
                kind="Signatures late",
                partnership=memorandum.partnership.name,
                due=memorandum.start_date,
                overdue=True,
            )
        )
    for version in selectors.declined_for_lead(user):
        who = version.declined_by.full_name if version.declined_by else "A signatory"
        items.append(
            AttentionItem(
                title=f"{who} declined {version.memorandum.title}: revise it and send a new version",
                url=version.memorandum.get_absolute_url(),
                kind="Declined",
                partnership=version.memorandum.partnership.name,
            )
        )
    return items


register_attention(attention)


def partnership_panel(user, partnership) -> dict:
    memoranda = selectors.partnership_memoranda(partnership)
    return {
        "memoranda": memoranda,
        "can_draft": can(user, partnership, MemorandumPerm.DRAFT),
        "create_url": reverse("memoranda:create", kwargs={"slug": partnership.slug}),
        "export_url": reverse("memoranda:export", kwargs={"slug": partnership.slug}),
        "list_url": reverse("memoranda:list") + f"?partnership={partnership.slug}",
        "has_active": any(m.status == "active" for m in memoranda),
    }


register_partnership_panel(
    PartnershipPanel(
        key="memoranda",
        title="Memoranda of Cooperation",
        template="memoranda/_partnership_panel.html",
        context=partnership_panel,
        order=20,
    )
)


def _send(today):
    return send_due_reminders(today)


register_reminder_sender("memoranda", _send)
register_nav_item(NavItem("Memoranda", "memoranda:list", 30, lambda namespace, url_name: namespace == "memoranda"))

register_scale_builder(
    ScaleBuilder(
        "memoranda",
        "memoranda.scale.build",
        counts={"memoranda": 300, "versions_per_memorandum": 3},
        unscaled=frozenset({"versions_per_memorandum"}),
    )
)
register_history_kind(
    HistoryKind(20, "memoranda.Memorandum", (Action.SECTION_UPDATED, Action.COMMENTED, Action.SIGNED))
)

# Every signed PDF of a partnership as one zip, built by an export job.
from memoranda import export as _export  # noqa: E402

_export.register()
