"""An uploaded workforce file (the DfE's data, the portal's figures template or a pseudonymised
staff list): checked first (the preview), imported only when every row is good. A staff list's
file is deleted once it is imported or found to have errors: only its totals are kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from partnerships.models import Partnership, ScopedQuerySet
from portal.imports import ImportStatus
from portal.storage import private_storage
from workforce.measures import Service


class ImportKind(models.TextChoices):
    DFE = "dfe", "DfE workforce data"
    TEMPLATE = "template", "Workforce figures template"
    STAFF_LIST = "staff-list", "Pseudonymised staff list"


class ImportQuerySet(ScopedQuerySet["WorkforceImport"]):
    pass


class WorkforceImport(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="workforce_imports")
    kind = models.CharField(max_length=10, choices=ImportKind.choices, default=ImportKind.DFE)
    file = models.FileField(upload_to="workforce-imports/%Y/%m/", storage=private_storage, blank=True)
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
    # A staff list is for one employer's service and year; what the import will write (its
    # totals, never a row of the list) is kept for the preview.
    employer = models.ForeignKey(
        "partnerships.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.CharField(max_length=10, choices=Service.choices, blank=True)
    year = models.CharField(max_length=7, blank=True)
    totals = models.JSONField(default=dict, blank=True)

    objects = ImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
