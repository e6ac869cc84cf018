"""Upload (check the file, keep it, write nothing else) and import (check it again and write every
row, or nothing, in one transaction), as placements' imports do."""

from __future__ import annotations

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
from workforce.importers import dfe
from workforce.models import ImportStatus, WorkforceImport
from workforce.permissions import WorkforcePerm


def check(partnership, rows) -> CheckResult:
    started = timezone.now()
    rows = list(rows)
    result = CheckResult(rows=len(rows))
    if len(rows) > reading.MAX_ROWS:
        result.errors.append((0, f"The file has {len(rows):,} rows; import at most {reading.MAX_ROWS:,} at a time"))
        return result
    dfe.check(partnership, rows, result)
    result.errors.sort()
    result.seconds = (timezone.now() - started).total_seconds()
    return result


def _counts(result: CheckResult) -> dict:
    from workforce.importers.dfe import BenchmarkRow, FigureRow

    return {
        "employer_rows": sum(1 for p in result.plan if isinstance(p, FigureRow)),
        "benchmark_rows": sum(1 for p in result.plan if isinstance(p, BenchmarkRow)),
        "other_rows": sum(1 for p in result.plan if p is None),
    }


def upload(actor, partnership, *, file) -> WorkforceImport:
    require(actor, partnership, WorkforcePerm.KEEP_FIGURES)
    reading.check_file_type(file)
    header = reading.header_of(file, file.name)
    missing = [name for name in dfe.REQUIRED if name not in header]
    if missing:
        raise reading.FileProblem(
            f"The file's first row must name the columns as the DfE publishes them. Missing: {', '.join(missing)}"
        )
    if not any(m.name in header for m in dfe.DFE_MEASURES):
        raise reading.FileProblem("The file has none of the DfE's measures (inpost_fte, leavers_fte...)")
    result = check(partnership, reading.read_rows(file, file.name))
    if result.rows == 0:
        raise reading.FileProblem("The file has a header row but no data rows")
    file.seek(0)
    with refuse_on_storage_failure(), transaction.atomic():
        batch = WorkforceImport.objects.create(
            partnership=partnership,
            file=file,
            original_name=file.name[:255],
            uploaded_by=actor,
            status=ImportStatus.HAS_ERRORS if result.errors else ImportStatus.CHECKED,
            row_count=result.rows,
            errors=[[line, message] for line, message in result.errors],
            **_counts(result),
        )
        record(
            actor,
            Action.IMPORT_CHECKED,
            batch,
            summary=f"Checked {batch.original_name}: {result.rows} rows, {len(result.errors)} with errors",
            partnership_id=partnership.pk,
        )
    return batch


def run_import(actor, batch: WorkforceImport) -> CheckResult:
    """Check the stored file again (the register may have changed since the preview) and write it
    all, or nothing."""
    require(actor, batch.partnership, WorkforcePerm.KEEP_FIGURES)
    with transaction.atomic():
        locked = WorkforceImport.objects.select_for_update().get(pk=batch.pk)
        if locked.status == ImportStatus.IMPORTED:
            raise ValidationError("This file has already been imported")
        with locked.file.open("rb") as handle:
            data = io.BytesIO(handle.read())
        result = check(locked.partnership, reading.read_rows(data, locked.original_name))
        if not result.ok:
            locked.status = ImportStatus.HAS_ERRORS
            locked.errors = [[line, message] for line, message in result.errors]
            locked.save(update_fields=["status", "errors"])
            return result
        written = dfe.write(actor, locked.partnership, result.plan)
        locked.status = ImportStatus.IMPORTED
        locked.imported_at = timezone.now()
        for name, value in _counts(result).items():
            setattr(locked, name, value)
        locked.save()
        record(
            actor,
            Action.IMPORT_COMPLETED,
            locked,
            changes={"figures": [0, written["figures"]], "benchmarks": [0, written["benchmarks"]]},
            summary=f"Imported DfE workforce data from {locked.original_name}: {written['figures']} employer "
            f"figures, {written['benchmarks']} benchmarks, {written['other']} rows of other authorities left",
            partnership_id=locked.partnership_id,
        )
    return result
