"""An uploaded DfE workforce file: checked first (the preview), imported only when every row is good."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from partnerships.models import Partnership, ScopedQuerySet
from portal.imports import ImportStatus
from portal.storage import private_storage


class ImportQuerySet(ScopedQuerySet["WorkforceImport"]):
    pass


class WorkforceImport(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="workforce_imports")
    file = models.FileField(upload_to="workforce-imports/%Y/%m/", storage=private_storage)
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices)
    row_count = models.PositiveIntegerField(default=0)
    employer_rows = models.PositiveIntegerField(default=0)
    benchmark_rows = models.PositiveIntegerField(default=0)
    other_rows = models.PositiveIntegerField("rows for authorities outside the partnership", default=0)
    errors = models.JSONField(default=list, blank=True)  # [[line, message], ...]
    imported_at = models.DateTimeField(null=True, blank=True)

    objects = ImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
