"""Health checks in the admin are read-only: coordinators and signatories work on them through the
portal's pages (which check roles and state and write the audit trail), and site administrators
author frameworks there too."""

from django.contrib import admin

from healthcheck.models import Action, Framework, HealthCheck
from portal.admin import ReadOnlyAdmin


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["name", "family", "version", "status", "published_at"]
    list_filter = ["status", "family"]


@admin.register(HealthCheck)
class HealthCheckAdmin(ReadOnlyAdmin):
    list_display = ["academic_year", "partnership", "organisation", "status", "updated_at"]
    list_filter = ["status", "academic_year"]
    list_select_related = ["partnership", "organisation"]
    search_fields = ["partnership__name", "organisation__name"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["description", "owner", "due_on", "status", "health_check"]
    list_filter = ["status"]
    list_select_related = ["owner", "health_check__partnership", "health_check__organisation"]
    search_fields = ["description"]
