"""One uploaded import file and what checking it found."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from partnerships.models import Partnership, ScopedQuerySet
from portal.imports import ImportStatus
from portal.storage import private_storage


class ImportKind(models.TextChoices):
    OFFERS = "offers", "Placement offers"
    STUDENTS = "students", "Students with placements"
    EDUCATORS = "educators", "Practice educators"


class ImportBatch(models.Model):
    """One uploaded file: checked first (preview), imported only when every row is good."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="placement_imports")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    file = models.FileField(upload_to="placement-imports/%Y/%m/", storage=private_storage)
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices)
    row_count = models.PositiveIntegerField(default=0)
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField("already up to date", default=0)
    errors = models.JSONField(default=list, blank=True)  # [[line, message], ...]
    imported_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.original_name}"
