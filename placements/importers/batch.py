"""An import as a whole: upload (check the file, keep it, write nothing else) and import (check
it again and write every row, or nothing, in one transaction). Every bad row is reported with its
line number and reason; the file is imported only when every row is good."""

from __future__ import annotations

import io
from collections.abc import Iterable
from types import ModuleType

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from partnerships.access import require
from placements.actions import Action
from placements.importers import educators, offers, reading, students
from placements.importers.common import CheckResult, Column
from placements.models import ImportBatch, ImportKind, ImportStatus
from placements.permissions import PlacementPerm
from placements.services.common import own_employer
from portal.audit import record
from portal.downloads import file_response
from portal.storage import refuse_on_storage_failure

# Each kind of import: a module with its COLUMNS, `check(partnership, rows, result, own, lock)`
# (fills result.errors, or result.plan with one named row per row) and `write(partnership, plan)`.
# Keyed by the kind's value, as a batch stores it (ImportKind members are those strings).
KINDS: dict[str, ModuleType] = {
    ImportKind.OFFERS: offers,
    ImportKind.STUDENTS: students,
    ImportKind.EDUCATORS: educators,
}
COLUMNS: dict[str, list[Column]] = {kind: module.COLUMNS for kind, module in KINDS.items()}


def check(actor, partnership, kind: str, rows: Iterable[tuple[int, dict]], *, lock: bool = False) -> CheckResult:
    """Check every row; collect one message per bad row (all its problems joined)."""
    started = timezone.now()
    rows = list(rows)
    result = CheckResult(rows=len(rows))
    limit = reading.MAX_ROWS
    if len(rows) > limit:
        result.errors.append((0, f"The file has {len(rows):,} rows; import at most {limit:,} at a time"))
        return result
    own = own_employer(actor, partnership)
    KINDS[kind].check(partnership, rows, result, own, lock)
    result.errors.sort()
    result.seconds = (timezone.now() - started).total_seconds()
    return result


def upload(actor, partnership, *, kind: str, file) -> ImportBatch:
    """Check an uploaded file and keep it for the import step; nothing else is written."""
    require(actor, partnership, PlacementPerm.MANAGE)
    reading.check_file_type(file)
    header = reading.header_of(file, file.name)
    missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in header]
    if missing:
        raise reading.FileProblem(
            f"The file's first row must name the columns. Missing: {', '.join(missing)}. Download the template to see them."
        )
    result = check(actor, partnership, kind, reading.read_rows(file, file.name))
    if result.rows == 0:
        raise reading.FileProblem("The file has a header row but no data rows")
    file.seek(0)
    # A file store that fails refuses the upload with a message; nothing is recorded.
    with refuse_on_storage_failure(), transaction.atomic():
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
            Action.IMPORT_CHECKED,
            batch,
            summary=f"Checked {batch.original_name}: {result.rows} rows, {len(result.errors)} with errors",
            partnership_id=partnership.pk,
        )
    return batch


def run_import(actor, batch: ImportBatch) -> CheckResult:
    """Check the stored file again (data may have changed since the preview) and write it all,
    or nothing, in one transaction."""
    require(actor, batch.partnership, PlacementPerm.MANAGE)
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
        result = check(actor, locked.partnership, locked.kind, reading.read_rows(data, locked.original_name), lock=True)
        if not result.ok:
            locked.status = ImportStatus.HAS_ERRORS
            locked.errors = [[line, message] for line, message in result.errors]
            locked.save(update_fields=["status", "errors"])
            return result
        changed = KINDS[locked.kind].write(locked.partnership, result.plan)
        locked.status = ImportStatus.IMPORTED
        locked.imported_at = timezone.now()
        locked.to_create, locked.to_update, locked.unchanged = result.creates, changed, result.updates - changed
        locked.save(update_fields=["status", "imported_at", "to_create", "to_update", "unchanged"])
        record(
            actor,
            Action.IMPORT_COMPLETED,
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
    return file_response(f"{kind}-import-template", [c.name for c in columns], [[c.example for c in columns]], fmt)
