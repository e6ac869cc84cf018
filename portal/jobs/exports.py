"""Bulk downloads as jobs: the request queues an Export and redirects to its progress page; a
worker writes the file to private storage (`storages["private"]`), counting rows as it goes; the
page offers the file when it is ready; the daily work deletes it after EXPORT_KEEP_DAYS.

An app registers what each kind of export contains with `register_export(kind, producer)`:
`producer(export)` returns `(headers, rows, total)` for a spreadsheet, or a `FileWriter` for any
other file (a zip), built from `export.owner` and `export.params` at the time the job runs (so
rights withdrawn meanwhile are respected).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import tempfile
import time
from collections.abc import Callable

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from portal.downloads import write_spreadsheet
from portal.jobs.engine import enqueue, job
from portal.jobs.models import Export, ExportStatus

logger = logging.getLogger("portal.jobs")

_producers: dict[str, Callable] = {}
_fetchers: dict[str, Callable] = {}
ACTIVE = (ExportStatus.WAITING, ExportStatus.RUNNING, ExportStatus.READY)


def register_export(kind: str, producer: Callable, may_fetch: Callable | None = None) -> None:
    """`may_fetch(user, export) -> bool` lets others than the person who asked fetch the file
    (the app's own permission rule; portal cannot import partnerships.access)."""
    _producers[kind] = producer
    if may_fetch is not None:
        _fetchers[kind] = may_fetch


def may_fetch(user, export: Export) -> bool:
    if not user.is_authenticated:
        return False
    if export.owner_id == user.pk:
        return True
    rule = _fetchers.get(export.kind)
    return bool(rule and rule(user, export))


def private_storage():
    return storages["private"]


def _request_key(owner_id: int, kind: str, fmt: str, params: dict) -> str:
    raw = json.dumps([owner_id, kind, fmt, params], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def start_export(
    owner, kind: str, fmt: str, *, filename: str, params: dict, perm: str = "", partnership_ids=()
) -> Export:
    """Queue an export, or return the same person's identical one still waiting, running or ready
    (so reloading the list's download link does not build the file again)."""
    if kind not in _producers:
        raise ValueError(f"Unknown export {kind!r}")
    key = _request_key(owner.pk, kind, fmt, params)
    existing = (
        Export.objects.select_for_update()
        .filter(
            owner=owner,
            request_key=key,
            status__in=ACTIVE,
            created_at__gte=timezone.now() - dt.timedelta(minutes=settings.EXPORT_REUSE_MINUTES),
        )
        .first()
    )
    if existing is not None:
        return existing
    export = Export.objects.create(
        owner=owner,
        kind=kind,
        fmt=fmt,
        filename=filename,
        params=params,
        request_key=key,
        perm=perm,
        partnership_ids=sorted(partnership_ids),
    )
    enqueue(build_export, export.pk, in_process="now")
    return export


@dataclasses.dataclass
class FileWriter:
    """A file that is not a spreadsheet: `write(handle, step)` writes it, calling `step()` once per
    item (a PDF in a zip) so the progress page can count them out of `total`."""

    total: int
    write: Callable


class _Progress:
    """Counts rows as they are written and saves the count at most twice a second."""

    def __init__(self, export_id: int):
        self.export_id, self.done, self._saved_at = export_id, 0, 0.0

    def step(self) -> None:
        self.done += 1
        if time.monotonic() - self._saved_at >= 0.5:
            Export.objects.filter(pk=self.export_id).update(rows_done=self.done)
            self._saved_at = time.monotonic()

    def counted(self, rows):
        for row in rows:
            yield row
            self.step()


def _export_failed(export_id: int) -> None:
    Export.objects.filter(pk=export_id).exclude(status=ExportStatus.READY).update(
        status=ExportStatus.FAILED, finished_at=timezone.now(), error="The file could not be prepared."
    )


@job(max_attempts=3, time_limit=600, backoff=30, on_failure=_export_failed)
def build_export(export_id: int) -> str:
    """Write one export's file. Safe to run again: the file's name is fixed by the export, a rerun
    replaces a half-written file, and a finished export is never built twice."""
    with transaction.atomic():
        export = Export.objects.select_for_update().select_related("owner").filter(pk=export_id).first()
        if export is None or export.status not in (ExportStatus.WAITING, ExportStatus.RUNNING):
            return "nothing to do"
        export.status, export.rows_done = ExportStatus.RUNNING, 0
        export.save(update_fields=["status", "rows_done"])
    spec = _producers[export.kind](export)
    progress = _Progress(export.pk)
    if isinstance(spec, FileWriter):
        total = spec.total

        def write(handle):
            spec.write(handle, progress.step)
    else:
        headers, rows, total = spec

        def write(handle):
            write_spreadsheet(handle, headers, progress.counted(rows), export.fmt)

    Export.objects.filter(pk=export.pk).update(rows_total=total)
    name = f"exports/export-{export.pk}.{export.fmt}"
    storage = private_storage()
    with tempfile.TemporaryFile() as handle:
        write(handle)
        size = handle.tell()
        handle.seek(0)
        if storage.exists(name):
            storage.delete(name)  # a half-written file from an attempt that died
        saved = storage.save(name, File(handle, name=name))
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.READY,
        rows_done=progress.done,
        rows_total=progress.done,
        file=saved,
        size=size,
        finished_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=settings.EXPORT_KEEP_DAYS),
    )
    return f"{progress.done} rows"


def purge_expired(now=None) -> int:
    """Delete the files of exports past their keeping time (the daily work runs this)."""
    now = now or timezone.now()
    storage = private_storage()
    count = 0
    for export in Export.objects.filter(status=ExportStatus.READY, expires_at__lt=now):
        if export.file and storage.exists(export.file):
            storage.delete(export.file)
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file="")
        count += 1
    return count
