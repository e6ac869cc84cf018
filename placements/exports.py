"""Downloads: every placement list as CSV or Excel, the import templates, and everything held on
one person (for a subject access request).

Each list's columns are declared once here as (heading, value) pairs, so a view only chooses the
rows. Offer and practice educator exports use the import's column names, so a download can be
edited and uploaded again."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone

from placements.models import QualityReview
from portal.downloads import file_response
from portal.models import AuditEvent

Column = tuple[str, Callable]


def _date(value):
    return value.isoformat() if value else ""


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def download(filename: str, columns: list[Column], objects: Iterable, fmt: str) -> HttpResponse:
    return file_response(filename, [h for h, _ in columns], ([get(o) for _, get in columns] for o in objects), fmt)


# --- The lists --------------------------------------------------------------------------------

PLACEMENTS: list[Column] = [
    ("Partnership", lambda p: p.partnership.name),
    ("Year", lambda p: p.academic_year.label),
    ("Student", lambda p: p.student.reference),
    ("University", lambda p: p.student.university.name),
    ("Employer", lambda p: p.offer.employer.name),
    ("Team", lambda p: p.offer.team),
    ("Stage", lambda p: p.get_stage_display()),
    ("Statutory", lambda p: _yes_no(p.offer.statutory)),
    ("Starts", lambda p: _date(p.starts_on)),
    ("Ends", lambda p: _date(p.ends_on)),
    ("Planned days", lambda p: p.planned_days),
    ("Completed days", lambda p: p.completed_days),
    ("Status", lambda p: p.get_status_display()),
    ("Ended early because", lambda p: p.get_end_reason_display() if p.end_reason else ""),
]

OFFERS: list[Column] = [
    ("employer", lambda o: o.employer.name),
    ("team", lambda o: o.team),
    ("service_area", lambda o: o.service_area),
    ("statutory", lambda o: _yes_no(o.statutory)),
    ("stage", lambda o: o.stage),
    ("academic_year", lambda o: o.academic_year.label),
    ("places", lambda o: o.places),
    ("practice_educator_email", lambda o: o.practice_educator.email if o.practice_educator else ""),
    ("onsite_supervisor", lambda o: o.onsite_supervisor),
    ("starts_on", lambda o: _date(o.starts_on)),
    ("ends_on", lambda o: _date(o.ends_on)),
    ("notes", lambda o: o.notes),
    ("filled", lambda o: o.filled),
    ("partnership", lambda o: o.partnership.name),
]

STUDENTS: list[Column] = [
    ("reference", lambda s: s.reference),
    ("name", lambda s: s.name),
    ("university", lambda s: s.university.name),
    ("programme", lambda s: s.programme.name),
    ("cohort", lambda s: s.cohort),
    ("final_year", lambda s: s.final_year.label),
    ("has_statutory_placement", lambda s: _yes_no(s.has_statutory)),
    ("placements", lambda s: s.placement_count),
    ("partnership", lambda s: s.partnership.name),
]

EDUCATORS: list[Column] = [
    ("email", lambda e: e.email),
    ("full_name", lambda e: e.full_name),
    ("employer", lambda e: e.employer.name if e.employer else ""),
    ("peps_stage", lambda e: e.peps_stage),
    ("qualified_on", lambda e: _date(e.qualified_on)),
    ("last_student_on", lambda e: _date(e.last_student_on)),
    ("last_cpd_on", lambda e: _date(e.last_cpd_on)),
    ("max_students", lambda e: e.max_students),
    ("status", lambda e: e.status.label),
    ("lapses_on", lambda e: _date(e.status.lapses_on)),
    ("explanation", lambda e: e.status.explanation),
]


def programme_columns(year) -> list[Column]:
    def demand(programme, field):
        return getattr(programme.year_demand[0], field) if programme.year_demand else ""

    return [
        ("university", lambda p: p.university.name),
        ("programme", lambda p: p.name),
        ("level", lambda p: p.get_level_display()),
        ("first_placement_days", lambda p: p.first_placement_days),
        ("final_placement_days", lambda p: p.final_placement_days),
        ("skills_days", lambda p: p.skills_days),
        ("statutory_placements_required", lambda p: p.statutory_placements_required),
        ("academic_year", lambda p: year.label if year else ""),
        ("students_needing_first", lambda p: demand(p, "first_placements")),
        ("students_needing_final", lambda p: demand(p, "final_placements")),
    ]


SUFFICIENCY_STAGES: list[Column] = [
    ("Line", lambda line: line.label),
    ("Needed", lambda line: "" if line.needed is None else line.needed),
    ("Offered", lambda line: line.offered),
    ("Filled", lambda line: line.filled),
    ("Short of", lambda line: line.shortfall if line.needed is not None else ""),
    ("Still to fill against expected demand", lambda line: line.still_to_fill if line.needed is not None else ""),
    ("In words", lambda line: line.words),
]

SUFFICIENCY_EMPLOYERS: list[Column] = [
    ("Employer", lambda e: e.name),
    ("Committed", lambda e: "" if e.committed is None else e.committed),
    (
        "Committed according to",
        lambda e: {"memorandum": "memorandum", "entered": "entered here"}.get(e.committed_source, ""),
    ),
    ("Offered", lambda e: e.offered),
    ("Filled", lambda e: e.filled),
    ("Commitment met", lambda e: "" if e.met is None else _yes_no(e.met)),
]

QUALITY_BY_EMPLOYER: list[Column] = [
    ("Employer", lambda r: r["employer"]),
    ("Placements", lambda r: r["placements"]),
    ("Student reviews", lambda r: r["responses"]),
    ("Rating support good or very good", lambda r: r["positive"]),
    ("Share good or very good (%)", lambda r: "" if r["share"] is None else r["share"]),
    ("Ended early", lambda r: r["ended_total"]),
    ("Ended early, by reason", lambda r: "; ".join(f"{reason} ({n})" for reason, n in r["ended"])),
]

FIGURES: list[Column] = [
    ("Figure", lambda f: f.name),
    ("Value", lambda f: "" if f.value is None else f.value),
    ("As shown", lambda f: f.display),
    ("How it is worked out", lambda f: f.how),
]

IMPORT_PROBLEMS: list[Column] = [("line", lambda e: e[0]), ("problem", lambda e: e[1])]


# --- Everything held on one person ------------------------------------------------------------


def _events(targets: list, partnership_ids: list[int]) -> list[dict]:
    """Audit events about these objects, limited to the partnerships the exporter can see."""
    query = Q(pk__in=[])
    for obj in targets:
        query |= Q(target_type=obj._meta.label_lower, target_id=str(obj.pk))
    events = AuditEvent.objects.filter(query).filter(
        Q(partnership_id__in=partnership_ids) | Q(partnership_id__isnull=True)
    )
    return [
        {"when": e.created_at.isoformat(), "by": e.actor_label, "what": e.summary, "changes": e.changes}
        for e in events.order_by("id")
    ]


def student_record(student) -> dict:
    """Everything the portal holds about one student, in plain words and ISO dates."""
    placements = list(
        student.placements.select_related("offer", "offer__employer", "academic_year").order_by("starts_on")
    )
    reviews = list(
        QualityReview.objects.filter(placement__student=student)
        .select_related("placement__offer")
        .order_by("placement__starts_on", "completed_on")
    )
    return {
        "about": "Everything the partnership portal holds about this student.",
        "exported_on": timezone.localdate().isoformat(),
        "student": {
            "reference": student.reference,
            "name": student.name,
            "partnership": student.partnership.name,
            "university": student.university.name,
            "programme": student.programme.name,
            "cohort": student.cohort,
            "year_of_final_placement": student.final_year.label,
            "personal_data_removed_on": _date(student.purged_on),
        },
        "placements": [
            {
                "academic_year": p.academic_year.label,
                "employer": p.offer.employer.name,
                "team": p.offer.team,
                "stage": p.get_stage_display(),
                "statutory": p.offer.statutory,
                "starts_on": _date(p.starts_on),
                "ends_on": _date(p.ends_on),
                "planned_days": p.planned_days,
                "completed_days": p.completed_days,
                "status": p.get_status_display(),
                "ended_early_because": p.get_end_reason_display() if p.end_reason else "",
                "more_about_why_it_ended": p.end_notes,
                "confirmed_without_every_check_because": p.checks_reason,
            }
            for p in placements
        ],
        "pre_placement_checks": [
            {
                "check": c.requirement.name,
                "done_on": _date(c.done_on),
                "expires_on": _date(c.expires_on),
                "note": c.note,
            }
            for c in student.checks.select_related("requirement").order_by("requirement__name", "id")
        ],
        "skills_days": [
            {"days": d.days, "date": _date(d.completed_on), "what_they_were": d.description}
            for d in student.skills_days.order_by("completed_on", "id")
        ],
        "quality_reviews": [
            {
                "placement_at": r.placement.offer.team,
                "point": r.get_point_display(),
                "completed_by": r.get_role_display(),
                "learning_opportunities": r.get_learning_opportunities_display(),
                "support": r.get_support_display(),
                "progress": r.get_performance_display(),
                "comments": r.comments,
                "date": _date(r.completed_on),
            }
            for r in reviews
        ],
        "history": _events([student, *placements, *reviews], [student.partnership_id]),
    }


def educator_record(educator) -> dict:
    """Everything the portal holds about one practice educator on the register of the
    partnership that keeps this record (another partnership's record on the same person is
    theirs to disclose)."""
    currency = educator.currency()
    partnership = educator.partnership
    offers = list(
        educator.offers.filter(partnership=partnership)
        .select_related("employer", "academic_year", "partnership")
        .order_by("id")
    )
    return {
        "about": "Everything the partnership portal holds about this practice educator.",
        "exported_on": timezone.localdate().isoformat(),
        "practice_educator": {
            "full_name": educator.full_name,
            "email": educator.email,
            "employer": educator.employer.name if educator.employer else "Independent",
            "peps_stage": educator.peps_stage,
            "qualified_on": _date(educator.qualified_on),
            "last_supported_a_student": _date(educator.last_student_on),
            "last_cpd": _date(educator.last_cpd_on),
            "students_at_once": educator.max_students,
            "currency": f"{currency.label}. {currency.explanation}",
        },
        "on_the_registers_of": [partnership.name],
        "named_on_placement_offers": [
            {
                "partnership": o.partnership.name,
                "employer": o.employer.name,
                "team": o.team,
                "academic_year": o.academic_year.label,
                "stage": o.get_stage_display(),
            }
            for o in offers
        ],
        "history": _events([educator], [partnership.pk]),
    }


def json_download(filename: str, data: dict) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response
