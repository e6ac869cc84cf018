"""Upload (check the file, keep it, write nothing else) and import (check it again and write every
row, or nothing, in one transaction), as placements' imports do, for the three kinds of workforce
file: the DfE's data, the portal's figures template and a pseudonymised staff list. A staff list's
file is deleted from the private store as soon as it is imported or found to have errors (and
`discard_staff_lists` deletes any left unimported for a day): only its totals are kept."""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnerships.access import require
from placements.importers import reading
from placements.importers.common import CheckResult
from portal.audit import record
from portal.storage import refuse_on_storage_failure
from workforce.actions import Action
from workforce.importers import dfe, staff, template
from workforce.measures import Service
from workforce.models import FigureSource, ImportKind, ImportStatus, WorkforceFigures, WorkforceImport
from workforce.permissions import WorkforcePerm
from workforce.services.figures import require_employer, services_of

STAFF_LIST_KEPT_FOR = dt.timedelta(days=1)


def check(actor, partnership, rows, kind: str = ImportKind.DFE, batch=None) -> CheckResult:
    started = timezone.now()
    rows = list(rows)
    result = CheckResult(rows=len(rows))
    if len(rows) > reading.MAX_ROWS:
        result.errors.append((0, f"The file has {len(rows):,} rows; import at most {reading.MAX_ROWS:,} at a time"))
        return result
    if kind == ImportKind.TEMPLATE:
        template.check(actor, partnership, rows, result)
    elif kind == ImportKind.STAFF_LIST:
        staff.check(rows, result)
    else:
        dfe.check(partnership, rows, result)
    result.errors.sort()
    result.seconds = (timezone.now() - started).total_seconds()
    return result


def _counts(result: CheckResult) -> dict:
    from workforce.importers.dfe import BenchmarkRow, FigureRow

    return {
        "employer_rows": sum(1 for p in result.plan if isinstance(p, FigureRow | template.TemplateRow)),
        "benchmark_rows": sum(1 for p in result.plan if isinstance(p, BenchmarkRow)),
        "other_rows": sum(1 for p in result.plan if p is None),
    }


def _check_header(kind: str, header: list[str]) -> None:
    if kind == ImportKind.DFE:
        missing = [name for name in dfe.REQUIRED if name not in header]
        if missing:
            raise reading.FileProblem(
                f"The file's first row must name the columns as the DfE publishes them. Missing: {', '.join(missing)}"
            )
        if not any(m.name in header for m in dfe.DFE_MEASURES):
            raise reading.FileProblem("The file has none of the DfE's measures (inpost_fte, leavers_fte...)")
        return
    required = template.REQUIRED if kind == ImportKind.TEMPLATE else staff.REQUIRED
    missing = [name for name in required if name not in header]
    if missing:
        raise reading.FileProblem(
            f"The file's first row must name the template's columns. Missing: {', '.join(missing)}"
        )


def upload(
    actor,
    partnership,
    *,
    file,
    kind: str = ImportKind.DFE,
    employer=None,
    service: str = "",
    year: str = "",
) -> WorkforceImport:
    """Check an uploaded file and keep it for the import. A staff list names the employer, service
    and year it is for (the person must keep that employer's figures)."""
    require(actor, partnership, WorkforcePerm.KEEP_FIGURES)
    if kind == ImportKind.STAFF_LIST:
        if employer is None:
            raise ValidationError("Choose the employer the staff list is for")
        require_employer(actor, partnership, employer)
        if service not in services_of(employer):
            raise ValidationError(f"{employer.name}'s figures are not counted for {Service(service).label.lower()}.")
    reading.check_file_type(file)
    _check_header(kind, reading.header_of(file, file.name))
    result = check(actor, partnership, reading.read_rows(file, file.name), kind)
    if result.rows == 0:
        raise reading.FileProblem("The file has a header row but no data rows")
    file.seek(0)
    is_staff = kind == ImportKind.STAFF_LIST
    with refuse_on_storage_failure(), transaction.atomic():
        batch = WorkforceImport.objects.create(
            partnership=partnership,
            kind=kind,
            # A staff list with errors is never imported: its file is not kept at all.
            file="" if is_staff and result.errors else file,
            original_name=file.name[:255],
            uploaded_by=actor,
            status=ImportStatus.HAS_ERRORS if result.errors else ImportStatus.CHECKED,
            row_count=result.rows,
            errors=[[line, message] for line, message in result.errors],
            employer=employer if is_staff else None,
            service=service if is_staff else "",
            year=year if is_staff else "",
            totals=_totals_json(result, year) if is_staff and not result.errors else {},
            **_counts(result),
        )
        record(
            actor,
            Action.IMPORT_CHECKED,
            batch,
            summary=f"Checked {batch.original_name}: {result.rows} rows, {len(result.errors)} with errors",
            partnership_id=partnership.pk,
            organisation_id=employer.pk if is_staff and employer else None,
        )
    return batch


def _totals_json(result: CheckResult, year: str) -> dict:
    return {name: str(value) for name, value in staff.totals(result.plan, year).items()}


def _discard_file(batch: WorkforceImport) -> None:
    """Forget a staff list's file now and delete it from the store once the change commits."""
    name = batch.file.name
    storage = batch.file.storage
    batch.file = ""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def run_import(actor, batch: WorkforceImport) -> CheckResult:
    """Check the stored file again (the register may have changed since the preview) and write it
    all, or nothing."""
    require(actor, batch.partnership, WorkforcePerm.KEEP_FIGURES)
    with transaction.atomic():
        locked = WorkforceImport.objects.select_for_update(of=("self",)).select_related("employer").get(pk=batch.pk)
        if locked.status == ImportStatus.IMPORTED:
            raise ValidationError("This file has already been imported")
        if not locked.file:
            raise ValidationError("The uploaded file is no longer kept: upload it again to import it")
        is_staff = locked.kind == ImportKind.STAFF_LIST
        if is_staff:
            assert locked.employer is not None
            require_employer(actor, locked.partnership, locked.employer)
        with locked.file.open("rb") as handle:
            data = io.BytesIO(handle.read())
        result = check(actor, locked.partnership, reading.read_rows(data, locked.original_name), locked.kind)
        if not result.ok:
            locked.status = ImportStatus.HAS_ERRORS
            locked.errors = [[line, message] for line, message in result.errors]
            if is_staff:
                _discard_file(locked)
            locked.save(update_fields=["status", "errors", "file"])
            return result
        if is_staff:
            summary, changes = _write_staff_list(actor, locked, result)
            _discard_file(locked)
        elif locked.kind == ImportKind.TEMPLATE:
            written = template.write(actor, locked.partnership, result.plan)
            changes = {"figures": [0, written["figures"]]}
            summary = f"Imported workforce figures from {locked.original_name}: {written['figures']} employer figures"
        else:
            written = dfe.write(actor, locked.partnership, result.plan)
            changes = {"figures": [0, written["figures"]], "benchmarks": [0, written["benchmarks"]]}
            summary = (
                f"Imported DfE workforce data from {locked.original_name}: {written['figures']} employer "
                f"figures, {written['benchmarks']} benchmarks, {written['other']} rows of other authorities left"
            )
        locked.status = ImportStatus.IMPORTED
        locked.imported_at = timezone.now()
        for name, value in _counts(result).items():
            setattr(locked, name, value)
        locked.save()
        record(
            actor,
            Action.IMPORT_COMPLETED,
            locked,
            changes=changes,
            summary=summary,
            partnership_id=locked.partnership_id,
            organisation_id=locked.employer_id,
        )
    return result


def _write_staff_list(actor, batch: WorkforceImport, result: CheckResult) -> tuple[str, dict]:
    """Write the staff list's totals into the employer's figures for the year (its other figures,
    such as vacancies and caseload, stay); the rows themselves go nowhere."""
    assert batch.employer is not None
    values = staff.totals(result.plan, batch.year)
    batch.totals = {name: str(value) for name, value in values.items()}
    blank_symbols = {f"{name}_symbol": "" for name in values}
    figures = (
        WorkforceFigures.objects.select_for_update()
        .filter(partnership=batch.partnership, employer=batch.employer, service=batch.service, year=batch.year)
        .first()
    )
    if figures is None:
        figures = WorkforceFigures(
            partnership=batch.partnership, employer=batch.employer, service=batch.service, year=batch.year
        )
    else:
        figures.revision += 1
    for name, value in {**values, **blank_symbols}.items():
        setattr(figures, name, value)
    figures.source = FigureSource.STAFF_LIST
    figures.updated_by = actor
    figures.save()
    service = figures.get_service_display().lower()
    summary = (
        f"Worked out {batch.employer.name}'s {service} figures for {batch.year} from a staff list of "
        f"{result.rows} posts: {values['inpost_fte']} FTE in post; the list was deleted"
    )
    return summary, {"inpost_fte": [None, str(values["inpost_fte"])], "posts": [0, result.rows]}


def discard_staff_lists(today: dt.date) -> int:
    """Delete the files of staff lists checked but not imported within a day (daily, with the
    reminders): a list is never kept longer than it takes to confirm its totals."""
    cutoff = timezone.now() - STAFF_LIST_KEPT_FOR
    stale = WorkforceImport.objects.filter(
        kind=ImportKind.STAFF_LIST, status=ImportStatus.CHECKED, created_at__lt=cutoff
    ).exclude(file="")
    count = 0
    for batch in stale:
        with transaction.atomic():
            _discard_file(batch)
            batch.save(update_fields=["file"])
        count += 1
    return count
