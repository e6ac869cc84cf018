"""Read queries for partnership and organisation pages, always scoped to the user, with the
joins and prefetches that keep the number of queries per page the same however much data there is."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from partnerships import access
from partnerships.governance import MEETING_INTERVAL_DAYS, MeetingDue, MeetingState, Progress, meeting_due, progress
from partnerships.models import (
    Aim,
    GovernanceGroup,
    Measurement,
    Meeting,
    Membership,
    Organisation,
    Outcome,
    OutcomeResponsibility,
    Partner,
    PartnerLevel,
    Partnership,
    Role,
)
from portal.models import AuditEvent

RECENT_MEETINGS = 3
# The partnership page lists the first people (leads, signatories and coordinators come first);
# the rest are on the paginated people page, so a partnership of hundreds stays quick to open.
PEOPLE_ON_PAGE = 25

LEVEL_ORDER = Case(
    When(level=PartnerLevel.LEAD, then=Value(0)),
    When(level=PartnerLevel.CORE, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
ROLE_ORDER = Case(
    *[When(role=role, then=Value(n)) for n, role in enumerate(Role)],
    default=Value(9),
    output_field=IntegerField(),
)


def _responsibilities() -> Any:
    """Outcomes' responsibilities with their organisations. A new Prefetch each time: Django adds
    the outer lookup's prefix to a nested Prefetch in place. Typed loosely because django-stubs
    cannot infer a Prefetch nested inside another queryset's prefetch_related."""
    return Prefetch("responsibilities", queryset=OutcomeResponsibility.objects.select_related("partner__organisation"))


def current(prefix: str = "") -> Q:
    """Partners that have not left (a leaving date in the future still counts as current)."""
    today = timezone.localdate()
    return Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": today})


def _with_partner_count(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(partner_count=Count("partners", filter=current("partners__"), distinct=True))


def memberships_by_partnership(user) -> dict[int, Membership]:
    return {m.partnership_id: m for m in access.memberships(user)}


def dashboard_partnerships(user, limit: int | None = None) -> list[dict]:
    """The user's partnerships with their role in each (site administrators: all, role blank)."""
    roles = memberships_by_partnership(user)
    partnerships = _with_partner_count(Partnership.objects.visible_to(user)).order_by("name")
    if limit is not None:
        partnerships = partnerships[:limit]
    return [{"partnership": p, "membership": roles.get(p.pk)} for p in partnerships]


def partnership_list(user, *, q: str = "", region: str = "", status: str = "") -> QuerySet:
    partnerships = _with_partner_count(Partnership.objects.visible_to(user))
    if q:
        partnerships = partnerships.filter(name__icontains=q)
    if region:
        partnerships = partnerships.filter(region=region)
    if status:
        partnerships = partnerships.filter(status=status)
    return partnerships.order_by("name")


def partnership_page(user, partnership: Partnership) -> dict:
    """Everything the partnership page shows, in a fixed number of queries."""
    partners = list(
        Partner.objects.filter(partnership=partnership)
        .select_related("organisation")
        .order_by(LEVEL_ORDER, "organisation__name")
    )
    current_partners = [p for p in partners if p.is_current]
    former_partners = [p for p in partners if not p.is_current]
    aims = list(
        Aim.objects.filter(partnership=partnership).prefetch_related(
            Prefetch(
                "outcomes",
                queryset=Outcome.objects.prefetch_related(
                    _responsibilities(),
                    # django-stubs cannot type two Prefetch objects of different models in one call
                    Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on")),  # type: ignore[arg-type]
                ),
            )
        )
    )
    for aim in aims:
        for outcome in aim.outcomes.all():
            measured = list(outcome.measurements.all())
            outcome.progress = outcome_progress(outcome, measured)
            outcome.latest_measurement = measured[-1] if measured else None
    groups = list(
        GovernanceGroup.objects.filter(partnership=partnership)
        .select_related("chair_organisation")
        .annotate(meeting_count=Count("meetings"), last_held_on=Max("meetings__held_on"))
        .prefetch_related(
            Prefetch(
                "meetings",
                queryset=Meeting.objects.order_by("-held_on", "-id")[:RECENT_MEETINGS],
                to_attr="recent_meetings",
            )
        )
    )
    today = timezone.localdate()
    for group in groups:
        group.meeting_due = meeting_due(group.frequency, group.last_held_on, today)
    people = Membership.objects.filter(partnership=partnership)
    memberships = list(people_list(partnership)[:PEOPLE_ON_PAGE])
    counted = dict(people.values_list("role").annotate(n=Count("id")).order_by())
    signatory_orgs = set(people.filter(role=Role.SIGNATORY).values_list("organisation_id", flat=True))
    current_org_ids = {p.organisation_id for p in current_partners}
    lead_partner = next((p for p in current_partners if p.level == PartnerLevel.LEAD), None)
    return {
        "current_partners": current_partners,
        "former_partners": former_partners,
        "lead_partner": lead_partner,
        "partners_without_signatory": [p for p in current_partners if p.organisation_id not in signatory_orgs],
        "aims": aims,
        "outcome_count": sum(len(a.outcomes.all()) for a in aims),
        "groups": groups,
        "memberships": memberships,
        "people_count": sum(counted.values()),
        "current_org_ids": current_org_ids,
        "role_counts": {role: counted.get(role, 0) for role in Role},
    }


def people_list(partnership: Partnership, *, role: str = "", q: str = "") -> QuerySet:
    """The people of a partnership, leads first, then signatories, coordinators and members."""
    people = Membership.objects.filter(partnership=partnership).select_related("user", "organisation")
    if role in Role.values:
        people = people.filter(role=role)
    if q:
        people = people.filter(Q(user__full_name__icontains=q) | Q(user__email__icontains=q))
    return people.order_by(ROLE_ORDER, "user__full_name", "id")


def partnership_history(partnership: Partnership) -> QuerySet:
    return AuditEvent.objects.filter(partnership_id=partnership.pk).select_related("actor").order_by("-id")


def organisation_list(*, q: str = "", kind: str = "", region: str = "") -> QuerySet:
    organisations = Organisation.objects.all()
    if q:
        organisations = organisations.filter(name__icontains=q)
    if kind:
        organisations = organisations.filter(kind=kind)
    if region:
        organisations = organisations.filter(region=region)
    return organisations.order_by("name")


def organisation_page(user, organisation: Organisation, history_limit: int = 20) -> dict:
    """The organisation's place in the partnerships this user can see, and its history (leaving
    out changes made inside partnerships the user cannot see, so they do not leak)."""
    visible = Partnership.objects.visible_to(user)
    partner_roles = list(
        Partner.objects.filter(organisation=organisation, partnership__in=visible)
        .select_related("partnership")
        .order_by("partnership__name")
    )
    events = AuditEvent.objects.filter(organisation_id=organisation.pk).select_related("actor")
    if not user.is_site_admin:
        events = events.filter(Q(partnership_id__isnull=True) | Q(partnership_id__in=visible.values("id")))
    return {"partner_roles": partner_roles, "events": list(events.order_by("-id")[:history_limit])}


def partners_missing_a_signatory(partnership_ids) -> QuerySet:
    """Current partners nobody can sign for: memoranda covering them could never be fully signed."""
    signatory = Membership.objects.filter(
        partnership_id=OuterRef("partnership_id"), organisation_id=OuterRef("organisation_id"), role=Role.SIGNATORY
    )
    return (
        Partner.objects.filter(current(), partnership_id__in=partnership_ids)
        .filter(~Exists(signatory))
        .select_related("organisation", "partnership")
        .order_by("partnership__name", "organisation__name")
    )


# --- Governance that tracks itself --------------------------------------------------------------


def outcome_progress(outcome: Outcome, measurements: list[Measurement]) -> Progress:
    """The rating of an outcome's progress (partnerships.governance.progress), the one definition
    the partnership page and the outcome's page both show."""
    return progress(
        [m.value for m in measurements], target=outcome.target_value, higher_is_better=outcome.higher_is_better
    )


def missed_meetings(partnership_ids, today) -> list[tuple[GovernanceGroup, MeetingDue]]:
    """Groups in these partnerships whose meeting is overdue (MEETING_RULE_IN_WORDS), in one query."""
    groups = (
        GovernanceGroup.objects.filter(
            partnership_id__in=list(partnership_ids), frequency__in=list(MEETING_INTERVAL_DAYS)
        )
        .annotate(last_held_on=Max("meetings__held_on"))
        .filter(last_held_on__isnull=False)
        .select_related("partnership")
        .order_by("partnership__name", "name")
    )
    found = [(g, meeting_due(g.frequency, g.last_held_on, today)) for g in groups]
    return [(g, due) for g, due in found if due.state == MeetingState.MISSED]
