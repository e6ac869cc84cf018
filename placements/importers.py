"""CSV and Excel import and export of placement data.

An import is checked as a whole before anything is written: every bad row is reported with its
line number and reason, and the file is imported only when every row is good, inside one
transaction (an interruption leaves nothing half-written). Rows are matched on natural keys, so
importing the same file again updates records instead of duplicating them:

* offers: employer + academic year + team + stage;
* students: student reference (and a placement: student + offer);
* practice educators: email address.

Lookups are loaded once per import (not per row), so a 10,000-row file checks in seconds.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.utils import timezone

from partnerships.access import Perm, require
from partnerships.models import EMPLOYER_KINDS, Organisation, Partnership
from placements.models import (
    HOLDS_PLACE,
    YEAR_LABEL,
    AcademicYear,
    ImportBatch,
    ImportKind,
    ImportStatus,
    OfferStage,
    Placement,
    PlacementOffer,
    PlacementStatus,
    PracticeEducator,
    Programme,
    ServiceArea,
    Stage,
    Student,
)
from portal.audit import record
from portal.dates import EARLIEST_DATE, LATEST_DATE
from portal.downloads import file_response
from portal.files import check_upload, spreadsheet_rows

MAX_ROWS = 20_000

IMPORT_TYPES = {
    "text/csv": "CSV",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
}

# (column, required, example, what it means)
COLUMNS: dict[str, list[tuple[str, bool, str, str]]] = {
    ImportKind.OFFERS: [
        ("employer", True, "Matrix Borough Council", "Employer's name as in the portal"),
        ("team", True, "Children's Assessment Team", "Team or setting"),
        ("service_area", True, "children", "children, adults, mental-health or other"),
        ("statutory", True, "yes", "yes or no"),
        ("stage", True, "final", "first, final or either"),
        ("academic_year", True, "2026/27", "Academic year, like 2026/27"),
        ("places", True, "2", "Number of places (1 or more)"),
        ("practice_educator_email", False, "", "Email of a practice educator on the register"),
        ("onsite_supervisor", False, "", "On-site supervisor's name"),
        ("starts_on", False, "2027-01-11", "Block start date (YYYY-MM-DD or DD/MM/YYYY)"),
        ("ends_on", False, "2027-06-04", "Block end date"),
        ("notes", False, "", "Anything else"),
    ],
    ImportKind.STUDENTS: [
        ("reference", True, "S1234567", "University's student reference"),
        ("name", False, "", "Student's name (optional)"),
        ("university", True, "University of Matrix", "University's name as in the portal"),
        ("programme", True, "BA (Hons) Social Work", "Programme's name as in the portal"),
        ("cohort", False, "September 2024 intake", "Cohort"),
        ("final_year", True, "2026/27", "Academic year of the final placement"),
        ("placement_employer", False, "Matrix Borough Council", "With a placement: the offer's employer"),
        ("placement_team", False, "Children's Assessment Team", "The offer's team"),
        ("placement_year", False, "2026/27", "The offer's academic year"),
        ("placement_stage", False, "final", "first or final"),
        ("placement_starts_on", False, "2027-01-11", "Placement start date"),
        ("placement_ends_on", False, "2027-06-04", "Placement end date"),
        ("planned_days", False, "100", "Planned days"),
        ("completed_days", False, "0", "Days completed"),
        ("status", False, "confirmed", "proposed, confirmed, in-progress or completed"),
    ],
    ImportKind.EDUCATORS: [
        ("email", True, "pe.example@matrix.test", "Email address (recognises the same person)"),
        ("full_name", True, "Alex Example", "Full name"),
        ("employer", False, "Matrix Borough Council", "Employer's name; empty for independent"),
        ("peps_stage", True, "2", "PEPS stage: 1 or 2"),
        ("qualified_on", True, "2021-06-30", "Date qualified"),
        ("last_student_on", False, "2025-05-30", "Last day of their most recent student's placement"),
        ("last_cpd_on", False, "2026-03-12", "Date of their most recent CPD"),
        ("max_students", False, "1", "Students at once (default 1)"),
    ],
}


@dataclass
class CheckResult:
    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    creates: int = 0
    updates: int = 0
    seconds: float = 0.0
    # Filled by the checker for apply(): callables that write, given the actor.
    plan: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.rows > 0


class FileProblem(ValidationError):
    """The file as a whole cannot be read (wrong type, no header, missing columns)."""


# --- Reading ----------------------------------------------------------------------------------


def _norm_header(value) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(value or "").strip().lower()).strip("_")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header(values) -> list[str]:
    """The header row's column names, normalised; a name given twice is refused (otherwise the
    later column would silently win)."""
    from openpyxl.utils import get_column_letter

    header = [_norm_header(h) for h in values]
    first: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if not name:
            continue
        if name in first:
            raise FileProblem(
                f"The first row names the column {name} twice (columns {get_column_letter(first[name])} and "
                f"{get_column_letter(position)}): keep one of them and upload the file again"
            )
        first[name] = position
    return header


def _too_many_rows() -> FileProblem:
    return FileProblem(
        f"The file has more than {MAX_ROWS:,} rows: import at most {MAX_ROWS:,} at a time (split it into smaller files)"
    )


def read_rows(fileobj, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, {column: text}) for each non-blank data row. The header is line 1.
    Rows are read as a stream, and reading stops, refusing the file, at the first row past
    MAX_ROWS, so a huge file costs no more than a full one."""
    fileobj.seek(0)
    count = 0
    if name.lower().endswith(".xlsx"):
        rows = spreadsheet_rows(fileobj)
        try:
            header = _header(next(rows, (1, ()))[1])
            for number, values in rows:
                cells = [_cell(v) for v in values]
                if any(cells):
                    count += 1
                    if count > MAX_ROWS:
                        raise _too_many_rows()
                    yield number, dict(zip(header, cells, strict=False))
        finally:
            rows.close()
        return
    reader = _csv_reader(fileobj.read())
    try:
        header = _header(next(reader, []))
        # Report the line a row starts on (a quoted cell may run over several lines).
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            cells = [v.strip() for v in values]
            if any(cells):
                count += 1
                if count > MAX_ROWS:
                    raise _too_many_rows()
                yield line, dict(zip(header, cells, strict=False))
    except csv.Error as exc:
        raise FileProblem(f"Line {reader.line_num} could not be read as CSV ({exc}): check its quotes") from exc


def _csv_reader(raw: bytes):
    """A csv reader over text in the encodings spreadsheets save CSV in: UTF-8 with or without a
    byte order mark, UTF-16 ("Unicode text"), else Windows-1252 (a superset of Latin-1); and with
    the separator the header row uses (comma, semicolon or tab)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16", errors="replace")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise FileProblem("The file contains invalid characters: save it as CSV (UTF-8) and try again")
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter if first_line.count(delimiter) else ",")


def header_of(fileobj, name: str) -> list[str]:
    fileobj.seek(0)
    if name.lower().endswith(".xlsx"):
        rows = spreadsheet_rows(fileobj)
        try:
            return _header(next(rows, (1, ()))[1])
        finally:
            rows.close()
    try:
        return _header(next(_csv_reader(fileobj.read()), []))
    except csv.Error as exc:
        raise FileProblem(f"The first line could not be read as CSV ({exc})") from exc


def check_file_type(upload) -> str:
    """CSV has no magic bytes: accept .csv text that decodes; .xlsx is checked by content."""
    name = upload.name.lower()
    if name.endswith(".csv"):
        from django.conf import settings

        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise ValidationError(f"The file must be smaller than {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        if upload.size == 0:
            raise ValidationError("The selected file is empty")
        head = upload.read(4096)
        upload.seek(0)
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if (b"\x00" in head and not utf16) or head.startswith(b"PK"):
            raise ValidationError("The file must be a CSV or Excel (.xlsx) file. This file's content is neither.")
        return "text/csv"
    if name.endswith(".xlsx"):
        return check_upload(upload, allowed={k: v for k, v in IMPORT_TYPES.items() if k != "text/csv"})
    if name.endswith(".xls"):
        raise ValidationError("Files from old versions of Excel (.xls) cannot be read: save it as .xlsx or CSV")
    raise ValidationError("The file must be a CSV or Excel (.xlsx) file")


# --- Parsing values ---------------------------------------------------------------------------

YES = {"yes", "y", "true", "1", "statutory"}
NO = {"no", "n", "false", "0", "non-statutory", ""}


def parse_date(text: str, what: str, problems: list[str], required: bool = False) -> dt.date | None:
    if not text:
        if required:
            problems.append(f"{what} is missing")
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            problems.append(f"{what} '{text}' must be between {EARLIEST_DATE.year} and {LATEST_DATE.year}")
            return None
        return day
    problems.append(f"{what} '{text}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
    return None


def parse_int(text: str, what: str, problems: list[str], *, minimum=0, maximum=10_000, default=None):
    if not text:
        if default is None:
            problems.append(f"{what} is missing")
        return default
    try:
        value = int(text)
    except ValueError:
        problems.append(f"{what} '{text}' is not a whole number")
        return None
    if not minimum <= value <= maximum:
        problems.append(f"{what} must be between {minimum} and {maximum}")
        return None
    return value


def parse_choice(text: str, choices, what: str, problems: list[str]) -> str | None:
    wanted = text.strip().lower().replace(" ", "-").replace("_", "-")
    for value, label in choices:
        if wanted in (value, label.lower().replace(" ", "-")):
            return value
    allowed = ", ".join(v for v, _ in choices)
    problems.append(f"{what} '{text}' is not one of: {allowed}" if text else f"{what} is missing")
    return None


def parse_year(text: str, problems: list[str], what="Academic year") -> str | None:
    match = YEAR_LABEL.match(text or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        problems.append(f"{what} '{text}' must look like 2026/27" if text else f"{what} is missing")
        return None
    if problem := AcademicYear.label_problem(text):
        problems.append(f"{what} '{text}': {problem}")
        return None
    return text


# --- Checking ---------------------------------------------------------------------------------


def _years(labels: Iterable[str]) -> dict[str, AcademicYear]:
    return {y.label: y for y in AcademicYear.objects.filter(label__in=set(labels))}


def _ensure_years(labels: Iterable[str]) -> dict[str, AcademicYear]:
    from placements.services.planning import ensure_academic_year

    return {label: ensure_academic_year(label) for label in set(labels)}


def check(actor, partnership, kind: str, rows: Iterable[tuple[int, dict]], *, lock: bool = False) -> CheckResult:
    """Check every row; collect one message per bad row (all its problems joined)."""
    from placements.services.common import own_employer

    started = timezone.now()
    rows = list(rows)
    result = CheckResult(rows=len(rows))
    if len(rows) > MAX_ROWS:
        result.errors.append((0, f"The file has {len(rows):,} rows; import at most {MAX_ROWS:,} at a time"))
        return result
    own = own_employer(actor, partnership)
    checker = {
        ImportKind.OFFERS: _check_offers,
        ImportKind.STUDENTS: _check_students,
        ImportKind.EDUCATORS: _check_educators,
    }[kind]
    checker(partnership, rows, result, own, lock)
    result.errors.sort()
    result.seconds = (timezone.now() - started).total_seconds()
    return result


def _employers(partnership) -> dict[str, Organisation]:
    return {
        o.name.lower(): o
        for o in Organisation.objects.filter(partner_roles__partnership=partnership, kind__in=EMPLOYER_KINDS)
    }


def _check_offers(partnership, rows, result: CheckResult, own, lock: bool) -> None:
    employers = _employers(partnership)
    educators = {e.email.lower(): e for e in PracticeEducator.objects.on_register_of(partnership).only("id", "email")}
    existing_qs = (
        PlacementOffer.objects.filter(partnership=partnership)
        .select_related("academic_year")
        .annotate(held=Count("placements", filter=Q(placements__status__in=HOLDS_PLACE)))
    )
    if lock:
        # Lock the partnership's offers so nobody allocates a place while places change.
        list(PlacementOffer.objects.filter(partnership=partnership).select_for_update().values_list("id"))
    existing = {(o.employer_id, o.academic_year.label, o.team.lower(), o.stage): o for o in existing_qs}
    seen: dict[tuple, int] = {}
    for line, row in rows:
        problems: list[str] = []
        employer = employers.get(row.get("employer", "").lower())
        if not row.get("employer"):
            problems.append("Employer is missing")
        elif employer is None:
            problems.append(f"Employer '{row['employer']}' is not an employer in this partnership")
        elif own is not None and employer.pk != own.pk:
            problems.append(f"You can only import offers for {own.name}")
        team = row.get("team", "")
        if not team:
            problems.append("Team is missing")
        elif len(team) > 200:
            problems.append("Team must be at most 200 characters")
        area = parse_choice(row.get("service_area", ""), ServiceArea.choices, "Service area", problems)
        statutory_text = row.get("statutory", "").lower()
        if statutory_text not in YES | NO:
            problems.append(f"Statutory '{row.get('statutory')}' must be yes or no")
        stage = parse_choice(row.get("stage", ""), OfferStage.choices, "Stage", problems)
        year = parse_year(row.get("academic_year", ""), problems)
        places = parse_int(row.get("places", ""), "Places", problems, minimum=1, maximum=500)
        educator = None
        if row.get("practice_educator_email"):
            educator = educators.get(row["practice_educator_email"].lower())
            if educator is None:
                problems.append(f"No practice educator with email {row['practice_educator_email']} is on the register")
        starts = parse_date(row.get("starts_on", ""), "Block start", problems)
        ends = parse_date(row.get("ends_on", ""), "Block end", problems)
        if starts and ends and ends < starts:
            problems.append("The block must end on or after it starts")
        key = (employer.pk if employer else None, year, team.lower(), stage)
        if not problems:
            if key in seen:
                problems.append(f"Repeats the offer on line {seen[key]} (same employer, year, team and stage)")
            seen[key] = line
            current = existing.get(key)
            if current is not None and places is not None and places < current.held:
                problems.append(
                    f"{current.held} students are already placed on this offer: places cannot go below that"
                )
        if problems:
            result.errors.append((line, "; ".join(problems)))
            continue
        values = {
            "service_area": area,
            "statutory": statutory_text in YES,
            "places": places,
            "practice_educator": educator,
            "onsite_supervisor": row.get("onsite_supervisor", "")[:150],
            "starts_on": starts,
            "ends_on": ends,
            "notes": row.get("notes", "")[:3000],
        }
        current = existing.get(key)
        if current is not None:
            result.updates += 1
        else:
            result.creates += 1
        result.plan.append((current, employer, year, team, stage, values))


def _check_educators(partnership, rows, result: CheckResult, own, lock: bool) -> None:
    employers = _employers(partnership)
    if lock:
        # The same lock as adding one educator, so nobody adds an email this file also adds.
        list(Partnership.objects.select_for_update().filter(pk=partnership.pk).values_list("pk"))
    emails = {row.get("email", "").strip().lower() for _, row in rows} - {""}
    # Only this partnership's own records: someone on another register gets a record of this
    # partnership's when imported here, and the other partnership's record is never read.
    existing = {
        e.email.lower(): e
        for e in PracticeEducator.objects.on_register_of(partnership)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
    }
    seen: dict[str, int] = {}
    for line, row in rows:
        problems: list[str] = []
        email = row.get("email", "").strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(
                f"Email '{row.get('email', '')}' is not a valid email address" if email else "Email is missing"
            )
        name = row.get("full_name", "")
        if not name:
            problems.append("Full name is missing")
        employer = None
        if row.get("employer"):
            employer = employers.get(row["employer"].lower())
            if employer is None:
                problems.append(f"Employer '{row['employer']}' is not an employer in this partnership")
        if own is not None and (employer is None or employer.pk != own.pk):
            problems.append(f"You can only import practice educators employed by {own.name}")
        stage = parse_int(row.get("peps_stage", ""), "PEPS stage", problems, minimum=1, maximum=2)
        qualified = parse_date(row.get("qualified_on", ""), "Date qualified", problems, required=True)
        last_student = parse_date(row.get("last_student_on", ""), "Last student", problems)
        last_cpd = parse_date(row.get("last_cpd_on", ""), "Last CPD", problems)
        most = parse_int(row.get("max_students", ""), "Students at once", problems, minimum=1, maximum=10, default=1)
        today = timezone.localdate()
        for value, what in [(qualified, "Date qualified"), (last_student, "Last student"), (last_cpd, "Last CPD")]:
            if value and value > today + dt.timedelta(days=366):
                problems.append(f"{what} is too far in the future")
        if email and email in seen and not problems:
            problems.append(f"Repeats the practice educator on line {seen[email]} (same email)")
        seen.setdefault(email, line)
        if problems:
            result.errors.append((line, "; ".join(problems)))
            continue
        current = existing.get(email)
        if current is not None and own is not None and current.employer_id not in (None, own.pk):
            result.errors.append((line, f"{email} is employed by another organisation: only they can update it"))
            continue
        values = {
            "full_name": name[:150],
            "employer": employer,
            "peps_stage": stage,
            "qualified_on": qualified,
            "last_student_on": last_student,
            "last_cpd_on": last_cpd,
            "max_students": most,
        }
        if current is not None:
            result.updates += 1
        else:
            result.creates += 1
        result.plan.append((current, email, values))


def _check_students(partnership, rows, result: CheckResult, own, lock: bool) -> None:
    universities = {
        o.name.lower(): o
        for o in Organisation.objects.filter(partner_roles__partnership=partnership, kind="university")
    }
    programmes = {(p.university_id, p.name.lower()): p for p in Programme.objects.filter(partnership=partnership)}
    employers = _employers(partnership)
    offers_qs = PlacementOffer.objects.filter(partnership=partnership).select_related("academic_year")
    if lock:
        offers_qs = offers_qs.select_for_update()
    offers = {(o.employer_id, o.academic_year.label, o.team.lower(), o.stage): o for o in offers_qs}
    students = {s.reference.lower(): s for s in Student.objects.filter(partnership=partnership)}
    held: dict[int, int] = defaultdict(int)
    existing_placements: dict[int, list] = defaultdict(list)  # student id -> [(offer id, start, end, team)]
    for p in Placement.objects.filter(partnership=partnership).values(
        "id", "student_id", "offer_id", "starts_on", "ends_on", "status", "offer__team"
    ):
        if p["status"] in HOLDS_PLACE:
            held[p["offer_id"]] += 1
        existing_placements[p["student_id"]].append((p["offer_id"], p["starts_on"], p["ends_on"], p["offer__team"]))
    existing_pairs = {(sid, oid) for sid, items in existing_placements.items() for oid, *_ in items}
    seen: dict[str, int] = {}
    file_placements: dict[str, list] = defaultdict(list)  # reference -> [(line, offer id, start, end, team)]
    new_holds: dict[int, list[int]] = defaultdict(list)
    pending = []
    for line, row in rows:
        problems: list[str] = []
        reference = row.get("reference", "")
        if not reference:
            problems.append("Reference is missing")
        elif len(reference) > 50:
            problems.append("Reference must be at most 50 characters")
        university = universities.get(row.get("university", "").lower())
        if university is None:
            problems.append(
                f"University '{row.get('university', '')}' is not a university in this partnership"
                if row.get("university")
                else "University is missing"
            )
        programme = None
        if university is not None:
            programme = programmes.get((university.pk, row.get("programme", "").lower()))
            if programme is None:
                problems.append(f"Programme '{row.get('programme', '')}' is not one of {university.name}'s programmes")
        final_year = parse_year(row.get("final_year", ""), problems, "Final placement year")
        if reference.lower() in seen and not problems:
            problems.append(f"Repeats the student on line {seen[reference.lower()]} (same reference)")
        seen.setdefault(reference.lower(), line)
        placement = None
        if any(row.get(c) for c in ("placement_employer", "placement_team", "placement_stage")):
            placement = _check_placement_cells(row, employers, offers, own, problems)
        if problems:
            result.errors.append((line, "; ".join(problems)))
            continue
        student = students.get(reference.lower())
        if placement is not None:
            offer = placement["offer"]
            pair_exists = student is not None and (student.pk, offer.pk) in existing_pairs
            if not pair_exists and placement["status"] in HOLDS_PLACE:
                new_holds[offer.pk].append(line)
            file_placements[reference.lower()].append(
                (line, offer.pk, placement["starts_on"], placement["ends_on"], offer.team)
            )
        pending.append((line, student, reference, row, programme, final_year, placement))
        if student is None:
            result.creates += 1
        else:
            result.updates += 1
    # Over-allocation across the file and what is already placed.
    offers_by_id = {o.pk: o for o in offers.values()}
    for offer_id, lines in new_holds.items():
        offer = offers_by_id[offer_id]
        free = offer.places - held[offer_id]
        for line in lines[max(free, 0) :]:
            result.errors.append(
                (
                    line,
                    f"{offer.team} has no place left: {offer.places} places, {held[offer_id]} already taken and "
                    f"{len(lines)} more in this file",
                )
            )
    # Overlaps: each file placement against the student's others (in the database and in the file).
    for reference, items in file_placements.items():
        student = students.get(reference)
        others = list(existing_placements.get(student.pk, [])) if student else []
        for i, (line, offer_id, start, end, _team) in enumerate(items):
            for o_offer, o_start, o_end, o_team in others:
                if o_offer != offer_id and o_start <= end and start <= o_end:
                    result.errors.append(
                        (
                            line,
                            f"{reference.upper()} already has a placement at {o_team} from {o_start:%d/%m/%Y} "
                            f"to {o_end:%d/%m/%Y}: a student's placements cannot overlap",
                        )
                    )
                    break
            for o_line, o_offer, o_start, o_end, _ in items[:i]:
                if o_offer != offer_id and o_start <= end and start <= o_end:
                    result.errors.append((line, f"Overlaps the placement on line {o_line} for the same student"))
                    break
    if result.errors:
        return
    result.plan.extend(pending)


def _check_placement_cells(row, employers, offers, own, problems: list[str]):
    employer = employers.get(row.get("placement_employer", "").lower())
    if employer is None:
        problems.append(
            f"Placement employer '{row.get('placement_employer', '')}' is not an employer in this partnership"
        )
    elif own is not None and employer.pk != own.pk:
        problems.append(f"You can only place students with {own.name}")
    year = parse_year(row.get("placement_year", ""), problems, "Placement year")
    stage = parse_choice(row.get("placement_stage", ""), Stage.choices, "Placement stage", problems)
    starts = parse_date(row.get("placement_starts_on", ""), "Placement start", problems, required=True)
    ends = parse_date(row.get("placement_ends_on", ""), "Placement end", problems, required=True)
    if starts and ends and ends < starts:
        problems.append("The placement must end on or after it starts")
    planned = parse_int(
        row.get("planned_days", ""),
        "Planned days",
        problems,
        minimum=1,
        maximum=200,
        default=100 if stage == "final" else 70,
    )
    completed = parse_int(row.get("completed_days", ""), "Completed days", problems, minimum=0, maximum=230, default=0)
    status_choices = [c for c in PlacementStatus.choices if c[0] != PlacementStatus.ENDED_EARLY]
    status = (
        parse_choice(row["status"], status_choices, "Status", problems)
        if row.get("status")
        else PlacementStatus.PROPOSED
    )
    offer = None
    if employer is not None and year and stage:
        team = row.get("placement_team", "").lower()
        offer = offers.get((employer.pk, year, team, stage)) or offers.get((employer.pk, year, team, "either"))
        if offer is None:
            problems.append(
                f"No {stage} placement offer from {employer.name} for team '{row.get('placement_team', '')}' in {year}"
            )
    if problems:
        return None
    return {
        "offer": offer,
        "stage": stage,
        "starts_on": starts,
        "ends_on": ends,
        "planned_days": planned,
        "completed_days": completed,
        "status": status,
    }


# --- Writing ----------------------------------------------------------------------------------
# Writers create new rows in bulk and update only the rows (and fields) whose values differ, so
# re-importing an unchanged file writes nothing; each returns how many existing records changed.


def _assign(obj, values: dict) -> set[str]:
    """Set the values that differ on `obj`; the names of the fields changed. Foreign keys are
    compared by id, so nothing is loaded from the database to compare."""
    changed = set()
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation and name != field.attname:
            current, new = getattr(obj, field.attname), getattr(value, "pk", value)
        else:
            current, new = getattr(obj, name), value
        if current != new:
            setattr(obj, name, value)
            changed.add(name)
    return changed


def _update_changed(model, pairs: list[tuple]) -> list:
    """Write the objects whose values changed (pairs of object and values) and bump their
    revision, so an edit form opened before the import notices; returns the changed objects.

    Django's bulk_update builds a CASE per column per row, which is slow for thousands of rows;
    but a file's rows mostly share their new values (a status, a block's dates), so rows with the
    same changes go in one plain UPDATE each, and only rows whose changes are their own (a new
    name) go through bulk_update, for just the columns that changed."""
    changed = []
    groups: dict[tuple, list] = defaultdict(list)
    for obj, values in pairs:
        names = _assign(obj, values)
        if names:
            changed.append(obj)
            obj.revision += 1
            groups[tuple(sorted((name, getattr(values[name], "pk", values[name])) for name in names))].append(obj)
    singles, single_fields = [], {"revision"}
    for key, objs in groups.items():
        if len(objs) == 1:
            singles.extend(objs)
            single_fields |= {name for name, _ in key}
            continue
        ids = [obj.pk for obj in objs]
        for start in range(0, len(ids), 900):
            model.objects.filter(pk__in=ids[start : start + 900]).update(**dict(key), revision=F("revision") + 1)
    if singles:
        model.objects.bulk_update(singles, sorted(single_fields), batch_size=500)
    return changed


def _write_offers(partnership, plan) -> int:
    years = _ensure_years(p[2] for p in plan)
    new, existing = [], []
    for current, employer, year, team, stage, values in plan:
        if current is None:
            new.append(
                PlacementOffer(
                    partnership=partnership,
                    employer=employer,
                    academic_year=years[year],
                    team=team,
                    stage=stage,
                    **values,
                )
            )
        else:
            existing.append((current, values))
    PlacementOffer.objects.bulk_create(new, batch_size=1000)
    return len(_update_changed(PlacementOffer, existing))


def _write_educators(partnership, plan) -> int:
    new, existing = [], []
    for current, email, values in plan:
        if current is None:
            new.append(PracticeEducator(partnership=partnership, email=email, **values))
        else:
            existing.append((current, values))
    PracticeEducator.objects.bulk_create(new, batch_size=1000)
    return len(_update_changed(PracticeEducator, existing))


def _write_students(partnership, plan) -> int:
    years = _ensure_years([p[5] for p in plan])
    new, existing = [], []
    for _line, student, reference, row, programme, final_year, _placement in plan:
        values = {
            "name": row.get("name", "")[:150],
            "university_id": programme.university_id,
            "programme": programme,
            "cohort": row.get("cohort", "")[:50],
            "final_year": years[final_year],
        }
        if student is None:
            new.append(Student(partnership=partnership, reference=reference, **values))
        else:
            existing.append((student, values))
    Student.objects.bulk_create(new, batch_size=1000)
    touched = {s.pk for s in _update_changed(Student, existing)}
    by_reference = {s.reference.lower(): s for s in new + [s for s, _ in existing]}
    with_placement = [p for p in plan if p[6] is not None]
    existing_placements = {
        (p.student_id, p.offer_id): p
        for p in Placement.objects.filter(student_id__in=[by_reference[p[2].lower()].pk for p in with_placement])
    }
    new_placements, placement_pairs = [], []
    for _line, _s, reference, _row, _prog, _y, placement in with_placement:
        student = by_reference[reference.lower()]
        offer = placement["offer"]
        values = {key: placement[key] for key in _PLACEMENT_VALUES}
        current = existing_placements.get((student.pk, offer.pk))
        if current is None:
            new_placements.append(
                Placement(
                    partnership=partnership,
                    academic_year_id=offer.academic_year_id,
                    student=student,
                    offer=offer,
                    **values,
                )
            )
            touched.add(student.pk)
        elif current.status != PlacementStatus.ENDED_EARLY:  # an ended placement is history
            placement_pairs.append((current, values))
    Placement.objects.bulk_create(new_placements, batch_size=1000)
    touched |= {p.student_id for p in _update_changed(Placement, placement_pairs)}
    _note_educators_last_student([p[6] for p in with_placement])
    return len(touched & {s.pk for s, _ in existing})


def _note_educators_last_student(placements: list[dict]) -> None:
    """A completed placement keeps the offer's practice educator current, as completing one on
    its page does (services.allocations.change_status)."""
    latest: dict[int, dt.date] = {}
    for placement in placements:
        educator_id = placement["offer"].practice_educator_id
        if educator_id and placement["status"] == PlacementStatus.COMPLETED:
            latest[educator_id] = max(latest.get(educator_id, placement["ends_on"]), placement["ends_on"])
    for educator_id, day in latest.items():
        PracticeEducator.objects.filter(pk=educator_id).filter(
            Q(last_student_on__isnull=True) | Q(last_student_on__lt=day)
        ).update(last_student_on=day)


_PLACEMENT_VALUES = ["stage", "starts_on", "ends_on", "planned_days", "completed_days", "status"]


WRITERS = {
    ImportKind.OFFERS: _write_offers,
    ImportKind.STUDENTS: _write_students,
    ImportKind.EDUCATORS: _write_educators,
}


# --- Services: upload (check) and import ------------------------------------------------------


def upload(actor, partnership, *, kind: str, file) -> ImportBatch:
    """Check an uploaded file and keep it for the import step; nothing else is written."""
    require(actor, partnership, Perm.MANAGE_PLACEMENTS)
    check_file_type(file)
    header = header_of(file, file.name)
    missing = [c for c, required, *_ in COLUMNS[kind] if required and c not in header]
    if missing:
        raise FileProblem(
            f"The file's first row must name the columns. Missing: {', '.join(missing)}. Download the template to see them."
        )
    result = check(actor, partnership, kind, read_rows(file, file.name))
    if result.rows == 0:
        raise FileProblem("The file has a header row but no data rows")
    file.seek(0)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            partnership=partnership,
            kind=kind,
            file=file,
            original_name=file.name[:255],
            uploaded_by=actor,
            status=ImportStatus.HAS_ERRORS if result.errors else ImportStatus.CHECKED,
            row_count=result.rows,
            to_create=result.creates,
            to_update=result.updates,
            errors=[[line, message] for line, message in result.errors],
        )
        record(
            actor,
            "import.checked",
            batch,
            summary=f"Checked {batch.original_name}: {result.rows} rows, {len(result.errors)} with errors",
            partnership_id=partnership.pk,
        )
    return batch


def run_import(actor, batch: ImportBatch) -> CheckResult:
    """Check the stored file again (data may have changed since the preview) and write it all,
    or nothing, in one transaction."""
    require(actor, batch.partnership, Perm.MANAGE_PLACEMENTS)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == ImportStatus.IMPORTED:
            raise ValidationError("This file has already been imported")
        if not locked.file:
            raise ValidationError(
                "The uploaded file has been deleted (files are kept for 30 days): upload it again to import it"
            )
        with locked.file.open("rb") as handle:
            data = io.BytesIO(handle.read())
        result = check(actor, locked.partnership, locked.kind, read_rows(data, locked.original_name), lock=True)
        if not result.ok:
            locked.status = ImportStatus.HAS_ERRORS
            locked.errors = [[line, message] for line, message in result.errors]
            locked.save(update_fields=["status", "errors"])
            return result
        changed = WRITERS[locked.kind](locked.partnership, result.plan)
        locked.status = ImportStatus.IMPORTED
        locked.imported_at = timezone.now()
        locked.to_create, locked.to_update, locked.unchanged = result.creates, changed, result.updates - changed
        locked.save(update_fields=["status", "imported_at", "to_create", "to_update", "unchanged"])
        record(
            actor,
            "import.completed",
            locked,
            changes={"created": [0, result.creates], "updated": [0, changed]},
            summary=f"Imported {locked.get_kind_display().lower()} from {locked.original_name}: "
            f"{result.creates} added, {changed} updated, {locked.unchanged} already up to date",
            partnership_id=locked.partnership_id,
        )
    return result


def template_response(kind: str, fmt: str) -> HttpResponse:
    """A file with the import's header row and one example row."""
    columns = COLUMNS[kind]
    return file_response(
        f"{kind}-import-template", [c for c, *_ in columns], [[example for _, _, example, _ in columns]], fmt
    )
