"""What placements contribute to the core: live metrics for health checks, "needs your
attention" items and the Placements section of the partnership page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from partnerships.access import memberships
from partnerships.models import Role
from placements import permissions  # noqa: F401 (registers the app's permissions)
from placements.actions import Action as AuditAction
from placements.models import AcademicYear, PlacementPolicy, PracticeEducator
from placements.selectors.educators import currency_q, with_currency_dates
from placements.selectors.figures import (
    DEFINITIONS,
    checks_expiring_counts,
    educators_current,
    falling_short_counts,
    fill_rate,
    offers_with_unfilled_places,
    pct,
    pct_words,
    review_figures,
    reviews_on_time,
    statutory_coverage,
    student_figures,
)
from placements.selectors.sufficiency import sufficiency
from placements.selectors.years import current_year, current_year_from, next_year_after, resolve_year
from placements.services.common import own_employer
from placements.services.data_protection import IMPORT_FILE_DAYS
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
    register_privacy_facts,
    register_scale_builder,
)


def _year(label: str | None) -> AcademicYear | None:
    return resolve_year(label)


def _no_year(label: str | None) -> MetricValue:
    if label:
        return MetricValue(None, f"No placement data for {label}", f"The academic year {label} is not recorded.")
    return MetricValue(None, "No academic year recorded", "Add academic years to see this figure.")


# --- Metrics ----------------------------------------------------------------------------------


def statutory_coverage_metric(partnership, organisation=None, academic_year=None) -> MetricValue:
    year = _year(academic_year)
    if year is None:
        return _no_year(academic_year)
    covered, total = statutory_coverage(partnership, organisation, year)
    return MetricValue(
        pct(covered, total),
        pct_words(covered, total, "students"),
        f"{year}: {DEFINITIONS['statutory_coverage'].how}",
    )


def fill_rate_metric(partnership, organisation=None, academic_year=None) -> MetricValue:
    year = _year(academic_year)
    if year is None:
        return _no_year(academic_year)
    filled, offered = fill_rate(partnership, organisation, year)
    return MetricValue(
        pct(filled, offered),
        pct_words(filled, offered, "places"),
        f"{year}: {DEFINITIONS['fill_rate'].how} {DEFINITIONS['places_filled'].how}",
    )


def educator_currency_metric(partnership, organisation=None, academic_year=None) -> MetricValue:
    current, total = educators_current(partnership, organisation)
    return MetricValue(
        pct(current, total),
        pct_words(current, total, "practice educators"),
        DEFINITIONS["educators_current"].how,
    )


def reviews_on_time_metric(partnership, organisation=None, academic_year=None) -> MetricValue:
    year = _year(academic_year)
    if year is None:
        return _no_year(academic_year)
    on_time, due = reviews_on_time(partnership, organisation, year)
    return MetricValue(
        pct(on_time, due),
        pct_words(on_time, due, "reviews due"),
        f"{year}: {DEFINITIONS['reviews_on_time'].how} {DEFINITIONS['reviews_due'].how}",
    )


register_metric(
    Metric(
        "placements.statutory_coverage",
        "Students with a statutory placement",
        "Share of students in their final placement year who have, or are confirmed for, a statutory placement.",
        "percent",
        statutory_coverage_metric,
    )
)
register_metric(
    Metric(
        "placements.fill_rate",
        "Placement places filled",
        "Share of placement places offered that are filled.",
        "percent",
        fill_rate_metric,
    )
)
register_metric(
    Metric(
        "placements.educator_currency",
        "Practice educators current",
        "Share of practice educators on the register who are current.",
        "percent",
        educator_currency_metric,
    )
)
register_metric(
    Metric(
        "placements.reviews_on_time",
        "Quality reviews on time",
        "Share of QAMP reviews due so far that were completed on time.",
        "percent",
        reviews_on_time_metric,
    )
)


# --- Attention ---------------------------------------------------------------------------------


def attention(user) -> list[AttentionItem]:
    """For leads and coordinators, per partnership: students without a placement this year,
    students without a statutory placement, offers with unfilled places, practice educators
    lapsing within 90 days, quality reviews overdue, placements at risk of falling short of days
    and pre-placement checks expiring soon.

    Only partnerships where the user holds a lead or coordinator membership count (a site
    administrator is not nagged about every partnership); an employer's coordinator sees their own
    organisation's offers, educators and reviews. Each kind is one grouped query across all those
    partnerships, so the dashboard's cost does not grow with them."""
    if not getattr(user, "is_authenticated", False):
        return []
    partnerships = {
        m.partnership_id: m.partnership for m in memberships(user) if m.role in (Role.LEAD, Role.COORDINATOR)
    }
    if not partnerships:
        return []
    own = {pk: own_employer(user, p) for pk, p in partnerships.items()}

    def mine(pk: int, employer_id: int | None) -> bool:
        employer = own[pk]
        return employer is None or employer.pk == employer_id

    years = list(AcademicYear.objects.order_by("starts_on"))
    year = current_year_from(years)
    today = timezone.localdate()
    items: list[AttentionItem] = []

    def add(pk, title, url, query, kind, **extra):
        """An item linking to a list filtered to the partnership (and `query`)."""
        partnership = partnerships[pk]
        query = {"partnership": partnership.slug, **query}
        items.append(
            AttentionItem(
                title=title, url=f"{url}?{urlencode(query)}", kind=kind, partnership=partnership.name, **extra
            )
        )

    if year is not None:
        ids = list(partnerships)
        next_year = next_year_after(year, years)
        # The same functions as the sufficiency and quality pages (placements.selectors.figures),
        # each one grouped query across all the partnerships.
        students = student_figures(ids, year, next_year)
        unplaced = {pk: f.unplaced for pk, f in students.items()}
        missing = {pk: f.without_statutory for pk, f in students.items()}
        unfilled: dict[int, int] = {}
        for pk, employer_id, offers in offers_with_unfilled_places(ids, year):
            if mine(pk, employer_id):
                unfilled[pk] = unfilled.get(pk, 0) + offers
        overdue: dict[int, list] = {}
        for review in review_figures(ids, year, today).overdue:
            if mine(review.placement.partnership_id, review.placement.offer.employer_id):
                overdue.setdefault(review.placement.partnership_id, []).append(review)
        # The same selector as the placements list's "at risk of falling short" filter.
        falling_short = falling_short_counts(ids, today, year)
        label = year.label
        for pk in partnerships:
            if n := falling_short.get(pk):
                add(
                    pk,
                    f"{n} placement{_s(n)} at risk of falling short of days in {label}",
                    reverse("placements:list"),
                    {"year": label, "risk": "falling-short"},
                    "Days behind",
                )
            if n := unplaced.get(pk):
                add(
                    pk,
                    f"{n} registered student{_s(n)} with no placement arranged in {label}",
                    reverse("placements:student_list"),
                    {"year": label, "flag": "no-placement"},
                    "Students to place",
                    due=year.ends_on,
                )
            if n := missing.get(pk):
                add(
                    pk,
                    f"{n} final-year student{_s(n)} with no statutory placement confirmed in {label}",
                    reverse("placements:student_list"),
                    {"year": label, "flag": "no-statutory"},
                    "Statutory placement",
                    due=year.ends_on,
                )
            if n := unfilled.get(pk):
                add(
                    pk,
                    f"{n} placement offer{_s(n)} with unfilled places in {label}",
                    reverse("placements:offer_list"),
                    {"year": label, "unfilled": "yes"},
                    "Unfilled places",
                )
            if reviews := overdue.get(pk):
                n = len(reviews)
                partnership = partnerships[pk]
                items.append(
                    AttentionItem(
                        title=f"{n} quality review{_s(n)} overdue",
                        url=reverse("placements:quality", args=[partnership.slug]) + f"?year={label}#overdue",
                        kind="Quality review",
                        partnership=partnership.name,
                        due=reviews[0].due_on,
                        overdue=True,
                    )
                )
    # The same selector as the checks page's list (placements.selectors.figures).
    for pk, (n, first) in checks_expiring_counts(list(partnerships), today).items():
        partnership = partnerships[pk]
        items.append(
            AttentionItem(
                title=f"{n} pre-placement check{_s(n)} expiring in the next 30 days",
                url=reverse("placements:check_list", args=[partnership.slug]) + "#expiring",
                kind="Pre-placement checks",
                partnership=partnership.name,
                due=first,
            )
        )
    # Few educators are lapsing at once, so their dates are loaded to date each item by the
    # first lapse.
    lapsing: dict[int, list] = {}
    educators = with_currency_dates(PracticeEducator.objects.filter(partnership__in=list(partnerships))).filter(
        currency_q(today)["lapsing"]
    )
    for educator in educators:
        if mine(educator.partnership_id, educator.employer_id):
            lapsing.setdefault(educator.partnership_id, []).append(educator)
    for pk, people in lapsing.items():
        n = len(people)
        add(
            pk,
            f"{n} practice educator{_s(n)} lapsing within 90 days",
            reverse("placements:educator_list"),
            {"status": "lapsing"},
            "Practice educators",
            due=min(person.currency(today).lapses_on for person in people),
        )
    return items


def _s(n: int) -> str:
    return "" if n == 1 else "s"


register_attention(attention)


# --- Partnership page panel -------------------------------------------------------------------


def partnership_panel(user, partnership) -> dict | None:
    year = current_year()
    if year is None:
        return {"year": None}
    report = sufficiency(partnership, year)
    return {
        "year": year,
        "report": report,
        "url": reverse("placements:sufficiency")
        + "?"
        + urlencode({"partnership": partnership.slug, "year": year.label}),
    }


register_partnership_panel(
    PartnershipPanel(
        key="placements",
        title="Placements",
        template="placements/_partnership_panel.html",
        context=partnership_panel,
        order=40,
    )
)


def _privacy_facts() -> dict:
    """The retention rules placements apply (services.data_protection: purge_students and
    discard_old_import_files), for the privacy notice."""
    return {
        "student_retention_years": PlacementPolicy.DEFAULT_RETENTION_YEARS,
        "import_file_days": IMPORT_FILE_DAYS,
    }


register_privacy_facts(_privacy_facts)


# Practice educators live in this app's namespace but are their own section of the menu.
register_nav_item(
    NavItem(
        "Placements",
        "placements:list",
        50,
        lambda namespace, url_name: namespace == "placements" and "educator" not in url_name,
    )
)
register_nav_item(
    NavItem(
        "Practice educators",
        "placements:educator_list",
        60,
        lambda namespace, url_name: namespace == "placements" and "educator" in url_name,
    )
)

register_scale_builder(
    ScaleBuilder(
        "placements",
        "placements.scale.build",
        counts={"placements": 60000, "academic_years": 10, "practice_educators": 8000},
        unscaled=frozenset({"academic_years"}),
    )
)
register_history_kind(
    HistoryKind(
        50,
        "placements.Placement",
        (AuditAction.PLACEMENT_CREATED, AuditAction.PLACEMENT_STATUS_CHANGED, AuditAction.REVIEW_RECORDED),
    )
)

from placements import export_jobs  # noqa: E402, F401  (registers the placements list's export job)
