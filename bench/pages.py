"""What the benchmark measures, found in the `seed_scale` dataset: the people it signs in as, the
key pages with the Django admin changelist of the same data, and the PDF and import timings."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import TypeVar

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.urls import reverse

LARGEST = "scale-partnership-01"  # partnerships/scale.py gives the first partnership a double share
CURRENT_YEAR = "2026/27"
ADMIN_EMAIL = "admin@scale.example.org"

T = TypeVar("T")


def _present(found: T | None, what: str) -> T:
    """A row the benchmark relies on finding in the seed_scale dataset; a refusal naming it if absent."""
    if found is None:
        raise RuntimeError(f"The scale dataset (manage.py seed_scale) has no {what}")
    return found


@dataclass
class Target:
    label: str
    who: str  # "lead", "coordinator" or "admin": whose session requests it
    path: str
    admin_path: str | None = None  # the Django admin changelist of the same data
    admin_label: str = ""


def ensure_database() -> None:
    """Create the benchmark database when it does not exist yet (it is named by DATABASE_URL)."""
    from django.db import connection

    with connection._nodb_cursor() as cursor:  # Django's own way in, through the "postgres" database
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [connection.settings_dict["NAME"]])
        if cursor.fetchone() is None:
            print(f"Creating the database {connection.settings_dict['NAME']} ...")
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])}")


def ensure_data(scale: float, depth: float = 1.0) -> None:
    """Create the database if needed, migrate, and build the scale dataset when it is not there yet."""
    from django.db import connection

    from portal.models import User

    ensure_database()
    call_command("migrate", verbosity=0)
    if not User.objects.filter(email=ADMIN_EMAIL).exists():
        print(f"Building the scale dataset (seed_scale --scale {scale} --depth {depth}) ...")
        call_command("seed_scale", scale=scale, depth=depth, force=True)
    # Fresh planner statistics, and the dead rows of an earlier run's rolled-back import cleared,
    # so each run starts from the same state (a few seconds).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def people() -> dict[str, tuple[str, str]]:
    from partnerships.models import Membership
    from partnerships.scale import PASSWORD

    def first(role: str) -> str:
        membership = (
            Membership.objects.filter(partnership__slug=LARGEST, role=role)
            .select_related("user")
            .order_by("id")
            .first()
        )
        return _present(membership, f"{role} of {LARGEST}").user.email

    return {
        "lead": (first("lead"), PASSWORD),
        "coordinator": (first("coordinator"), PASSWORD),
        "admin": (ADMIN_EMAIL, PASSWORD),
    }


def dataset_counts() -> dict[str, int]:
    from healthcheck.models import Action, HealthCheck, Rating
    from memoranda.models import Memorandum, MemorandumVersion, Signature
    from partnerships.models import Organisation, Partnership
    from placements.models import Placement, PracticeEducator, Student
    from portal.models import AuditEvent, User

    models = {
        "partnerships": Partnership,
        "organisations": Organisation,
        "users": User,
        "memoranda": Memorandum,
        "memorandum_versions": MemorandumVersion,
        "signatures": Signature,
        "health_checks": HealthCheck,
        "ratings": Rating,
        "actions": Action,
        "students": Student,
        "placements": Placement,
        "practice_educators": PracticeEducator,
        "audit_events": AuditEvent,
    }
    return {name: model._default_manager.count() for name, model in models.items()}


API_TOKEN_NAME = "make bench"


def api_tokens(people: dict[str, tuple[str, str]]) -> dict[str, str]:
    """A fresh API token per person ("api:lead" and so on, the `who` of the API targets); the
    previous run's are deleted."""
    import datetime as dt

    from django.utils import timezone

    from api.models import ApiToken
    from api.services import create_token
    from partnerships.auth import PortalBackend
    from portal.models import User

    ApiToken.objects.filter(name=API_TOKEN_NAME).delete()
    tokens = {}
    for who, (email, _) in people.items():
        user = PortalBackend().get_user(User.objects.get(email=email).pk)
        _, secret = create_token(user, name=API_TOKEN_NAME, expires_on=timezone.localdate() + dt.timedelta(days=7))
        tokens[f"api:{who}"] = secret
    return tokens


def api_targets() -> list[Target]:
    """The API's list endpoints (and the figures of the largest partnership) with a token, beside
    the page or admin changelist of the same data."""
    base = "/api/v1"
    return [
        Target(
            "api partnerships", "api:admin", f"{base}/partnerships", "/admin/partnerships/partnership/", "partnerships"
        ),
        Target(
            "api organisations",
            "api:admin",
            f"{base}/organisations",
            "/admin/partnerships/organisation/",
            "organisations",
        ),
        Target("api memoranda", "api:lead", f"{base}/memoranda", "/admin/memoranda/memorandum/", "memoranda"),
        Target("api memoranda (all)", "api:admin", f"{base}/memoranda", "/admin/memoranda/memorandum/", "memoranda"),
        Target(
            "api health checks",
            "api:coordinator",
            f"{base}/health-checks",
            "/admin/healthcheck/healthcheck/",
            "health checks",
        ),
        Target("api offers (all)", "api:admin", f"{base}/offers", "/admin/placements/placementoffer/", "offers"),
        Target("api placements", "api:coordinator", f"{base}/placements", "/admin/placements/placement/", "placements"),
        Target("api placements (all)", "api:admin", f"{base}/placements", "/admin/placements/placement/", "placements"),
        Target(
            "api placements (all, filtered by year)",
            "api:admin",
            f"{base}/placements?year={CURRENT_YEAR}&state=confirmed",
            "/admin/placements/placement/",
            "placements",
        ),
        Target("api sufficiency", "api:coordinator", f"{base}/partnerships/{LARGEST}/sufficiency?year={CURRENT_YEAR}"),
        Target(
            "api placement figures",
            "api:coordinator",
            f"{base}/partnerships/{LARGEST}/placement-figures?year={CURRENT_YEAR}",
        ),
        Target("api educator currency (all)", "api:admin", f"{base}/practice-educators/currency"),
    ]


def key_pages() -> list[Target]:
    from healthcheck.models import HealthCheck
    from memoranda.models import Memorandum

    memorandum = (
        Memorandum.objects.filter(partnership__slug=LARGEST).annotate(n=Count("versions")).order_by("-n", "id").first()
    )
    health_check = HealthCheck.objects.get(
        partnership__slug=LARGEST, organisation__isnull=True, academic_year=CURRENT_YEAR
    )
    placements = reverse("placements:list")
    return [
        Target("dashboard", "lead", reverse("dashboard")),
        Target("partnership page", "lead", reverse("partnerships:partnership_detail", args=[LARGEST])),
        Target(
            "partnerships list",
            "admin",
            reverse("partnerships:partnership_list"),
            "/admin/partnerships/partnership/",
            "partnerships",
        ),
        Target(
            "organisations list",
            "admin",
            reverse("partnerships:organisation_list"),
            "/admin/partnerships/organisation/",
            "organisations",
        ),
        Target("memoranda list", "lead", reverse("memoranda:list"), "/admin/memoranda/memorandum/", "memoranda"),
        Target("memoranda list (all)", "admin", reverse("memoranda:list"), "/admin/memoranda/memorandum/", "memoranda"),
        Target(f"memorandum ({memorandum.n} versions)", "lead", reverse("memoranda:detail", args=[memorandum.pk])),
        Target(
            "health checks list",
            "coordinator",
            reverse("healthcheck:list"),
            "/admin/healthcheck/healthcheck/",
            "health checks",
        ),
        Target("health check page", "coordinator", reverse("healthcheck:detail", args=[health_check.pk])),
        Target(
            "actions list", "coordinator", reverse("healthcheck:action_list"), "/admin/healthcheck/action/", "actions"
        ),
        Target(
            "actions list (all)", "admin", reverse("healthcheck:action_list"), "/admin/healthcheck/action/", "actions"
        ),
        Target(
            "sufficiency",
            "coordinator",
            f"{reverse('placements:sufficiency')}?partnership={LARGEST}&year={CURRENT_YEAR}",
        ),
        Target("placements list", "coordinator", placements, "/admin/placements/placement/", "placements"),
        Target("placements list (all)", "admin", placements, "/admin/placements/placement/", "placements"),
        Target(
            "placements list page 200",
            "admin",
            f"{placements}?page=200",
            "/admin/placements/placement/?p=200",
            "placements page 200",
        ),
        Target(
            "practice educators list",
            "coordinator",
            reverse("placements:educator_list"),
            "/admin/placements/practiceeducator/",
            "practice educators",
        ),
        Target(
            "practice educators list (all)",
            "admin",
            reverse("placements:educator_list"),
            "/admin/placements/practiceeducator/",
            "practice educators",
        ),
        *workforce_targets(),
        *api_targets(),
    ]


# A scenario: every assumption changed from the baseline, so the page works the forecast out again.
WORKFORCE_SCENARIO = (
    "years=5&basis_years=3&demand_growth=3&turnover_rate=16&experienced_hire_rate=8"
    "&agency_conversion_rate=10&local_retention=70&intake_multiplier=1.2&completion_rate=90&agency_premium=25000"
)


def workforce_targets() -> list[Target]:
    """The largest partnership's workforce page, its forecast (the baseline) and a scenario
    recalculated: every employer, both services, five years (workforce/scale.py)."""
    return [
        Target("workforce page", "lead", reverse("workforce:partnership", args=[LARGEST])),
        Target("workforce forecast", "lead", reverse("workforce:forecast", args=[LARGEST])),
        Target(
            "workforce scenario recalculation",
            "lead",
            f"{reverse('workforce:forecast', args=[LARGEST])}?{WORKFORCE_SCENARIO}",
        ),
    ]


def forecast_timing(times: int = 40) -> dict:
    """The largest partnership's forecast alone (figures already read): the model's own time."""
    from partnerships.models import Partnership
    from workforce.forecast import Parameters
    from workforce.selectors import figures_of, partnership_forecast

    partnership = Partnership.objects.get(slug=LARGEST)
    figures = figures_of(partnership)
    samples = []
    for _ in range(times + 5):
        started = time.perf_counter()
        partnership_forecast(partnership, Parameters(basis_years=3), figures)
        samples.append((time.perf_counter() - started) * 1000)
    samples = sorted(samples[5:])
    return {
        "figures": len(figures),
        "employer_services": len({(f.employer_id, f.service) for f in figures}),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2),
    }


def _timed_gets(client, path: str, times: int) -> dict:
    samples = [client.get(path) for _ in range(times)]
    server = [s.server_ms for s in samples if s.server_ms is not None]
    return {
        "path": path,
        "status": sorted({s.status for s in samples}),
        "first_ms": server[0] if server else None,
        "median_ms": statistics.median(server) if server else None,
        "max_ms": max(server) if server else None,
        "bytes": samples[-1].size,
    }


def matching_run() -> dict:
    from bench.matching import run

    return run()


def timings(clients: dict) -> dict:
    """PDF rendering (a fresh render on every request) against serving a stored signed PDF, and a
    10,000-row placements import."""
    from healthcheck.models import HealthCheck
    from memoranda.models import Memorandum, Status

    def largest_memorandum(status):
        return (
            Memorandum.objects.filter(partnership__slug=LARGEST, status=status)
            .annotate(parties_n=Count("parties", distinct=True), sections_n=Count("sections", distinct=True))
            .order_by("-parties_n", "-sections_n", "id")
            .first()
        )

    draft = largest_memorandum(Status.DRAFT)
    active = largest_memorandum(Status.ACTIVE)
    signed_off = _present(
        HealthCheck.objects.filter(partnership__slug=LARGEST, organisation__isnull=True)
        .exclude(academic_year=CURRENT_YEAR)
        .order_by("-academic_year")
        .first(),
        f"signed-off health check of {LARGEST}",
    )
    lead = clients["lead"]
    result = {
        "memorandum_pdf_render": {
            "memorandum": f"{draft.sections_n} sections, {draft.parties_n} parties",
            **_timed_gets(lead, reverse("memoranda:pdf", args=[draft.pk]), 4),
        },
        "stored_signed_pdf": {
            "memorandum": f"{active.sections_n} sections, {active.parties_n} parties",
            **_timed_gets(lead, reverse("memoranda:pdf", args=[active.pk]), 20),
        },
        "health_check_pdf_render": {
            "criteria": signed_off.ratings.count(),
            **_timed_gets(clients["coordinator"], reverse("healthcheck:pdf", args=[signed_off.pk]), 3),
        },
        "placements_import_10000_rows": import_timing(10_000),
        # The preference round's optimiser, 400 students over 450 places (bench/matching.py).
        "matching_round_400_students": matching_run(),
        "workforce_forecast": forecast_timing(),
    }
    return result


# --- The 10,000-row import ----------------------------------------------------------------------


def _import_setup(rows: int, prefix: str):
    """A programme and offers with room for `rows` students in the largest partnership; returns the
    coordinator, the partnership and a students-with-placements CSV of `rows` new students."""
    from partnerships.models import Membership, Partnership
    from placements.models import AcademicYear, PlacementOffer, Programme

    partnership = Partnership.objects.get(slug=LARGEST)
    membership = _present(
        Membership.objects.filter(partnership=partnership, role="coordinator")
        .select_related("user", "organisation")
        .order_by("id")
        .first(),
        f"coordinator of {LARGEST}",
    )
    coordinator = membership.user
    university = _present(
        partnership.partners.filter(organisation__kind="university").first(), "university"
    ).organisation
    # An employer's coordinator places students only with their own organisation.
    employer = membership.organisation
    if employer is None or not employer.is_employer:
        employer = _present(
            partnership.partners.filter(organisation__kind="local-authority").first(), "local authority"
        ).organisation
    year = AcademicYear.objects.get(label=CURRENT_YEAR)
    programme, _ = Programme.objects.get_or_create(
        partnership=partnership, university=university, name="Bench import programme", defaults={"level": "ba"}
    )
    teams = 100
    for t in range(teams):
        offer, _ = PlacementOffer.objects.get_or_create(
            partnership=partnership,
            employer=employer,
            academic_year=year,
            team=f"Bench import team {t:03d}",
            defaults={"places": rows // teams + 1, "service_area": "children", "statutory": True, "stage": "final"},
        )
        # Room for this import on top of whatever an earlier import that was let finish left here.
        needed = offer.placements.count() + rows // teams + 1
        if offer.places < needed:
            PlacementOffer.objects.filter(pk=offer.pk).update(places=needed)
    header = (
        "reference,university,programme,final_year,placement_employer,placement_team,placement_year,"
        "placement_stage,placement_starts_on,placement_ends_on,status\n"
    )
    body = "".join(
        f"{prefix}{i:05d},{university.name},{programme.name},{CURRENT_YEAR},{employer.name},"
        f"Bench import team {i % teams:03d},{CURRENT_YEAR},final,2027-01-11,2027-06-04,confirmed\n"
        for i in range(rows)
    )
    return coordinator, partnership, (header + body).encode()


def import_timing(rows: int) -> dict:
    """Check and import `rows` students with placements through the real services, then roll the
    import back so the dataset stays as seed_scale made it."""
    from placements.importers import batch as imports

    coordinator, partnership, content = _import_setup(rows, prefix=f"BENCH{int(time.time()) % 100000:05d}-")
    with transaction.atomic():
        started = time.perf_counter()
        batch = imports.upload(
            coordinator, partnership, kind="students", file=SimpleUploadedFile("bench.csv", content, "text/csv")
        )
        checked = time.perf_counter()
        result = imports.run_import(coordinator, batch)
        done = time.perf_counter()
        transaction.set_rollback(True)
    return {
        "rows": rows,
        "errors": len(result.errors),
        "created": result.creates,
        "check_s": round(checked - started, 2),
        "import_s": round(done - checked, 2),
        "total_s": round(done - started, 2),
    }


def import_footprint() -> dict[str, int]:
    from placements.models import ImportBatch, Placement, Student
    from portal.models import AuditEvent

    return {
        "students": Student.objects.count(),
        "placements": Placement.objects.count(),
        "import_batches": ImportBatch.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def run_import_in_child(rows: int, hold: float = 60.0) -> None:
    """Entry point for bench.load's interrupted import: commits unless it is killed first.

    It says when it starts and when it has written every row; then it holds the transaction open
    for `hold` seconds before committing, so a kill after "importing" always lands inside the
    transaction (while rows are being written, or after, before the commit) whatever the speed of
    the machine."""
    import django

    django.setup()
    from django.db import connection

    from placements.importers import batch as imports

    coordinator, partnership, content = _import_setup(rows, prefix=f"KILL{int(time.time()) % 100000:05d}-")
    upload = SimpleUploadedFile("interrupted.csv", content, "text/csv")
    # The upload (check) step writes an ImportBatch; do it inside the same transaction as the import
    # so the footprint compares the whole operation.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            print(f"backend {cursor.fetchone()[0]}", flush=True)
        batch = imports.upload(coordinator, partnership, kind="students", file=upload)
        print("importing", flush=True)
        imports.run_import(coordinator, batch)
        print("written", flush=True)
        time.sleep(hold)
    print("finished", flush=True)
