"""Site administrators keep academic years here (they are site-wide, and audited); everything else
is maintained through the portal's own pages, which check roles and write the audit trail, so it is
shown here read-only."""

from django.contrib import admin

from placements.models import AcademicYear, ImportBatch, Placement, PlacementOffer, PracticeEducator, Student
from portal.admin import AuditedAdmin, ReadOnlyAdmin


@admin.register(AcademicYear)
class AcademicYearAdmin(AuditedAdmin):
    list_display = ["label", "starts_on", "ends_on"]


@admin.register(PracticeEducator)
class PracticeEducatorAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "email", "employer", "peps_stage", "partnership"]
    list_select_related = ["employer", "partnership"]
    search_fields = ["full_name", "email"]


@admin.register(PlacementOffer)
class PlacementOfferAdmin(ReadOnlyAdmin):
    list_display = ["team", "employer", "partnership", "academic_year", "stage", "statutory", "places"]
    list_filter = ["stage", "statutory", "academic_year"]
    list_select_related = ["employer", "partnership", "academic_year"]
    search_fields = ["team", "employer__name"]


@admin.register(Student)
class StudentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "university", "programme", "partnership"]
    list_select_related = ["university", "programme__university", "partnership"]
    search_fields = ["reference"]


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    list_display = ["student", "offer", "stage", "status", "starts_on", "ends_on", "partnership"]
    list_filter = ["status", "stage", "academic_year"]
    list_select_related = ["student", "offer__employer", "offer__academic_year", "partnership"]
    search_fields = ["student__reference"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "kind", "partnership", "status", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["partnership"]
