"""Webhooks in the admin are read-only (leads manage them on the partnership's pages); secrets
are never shown."""

from django.contrib import admin

from portal.admin import ReadOnlyAdmin
from webhooks.models import Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(ReadOnlyAdmin):
    list_display = ["url", "partnership", "enabled", "consecutive_failures", "last_success_at"]
    list_filter = ["enabled"]
    list_select_related = ["partnership"]
    search_fields = ["url", "partnership__name"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["message", "endpoint", "attempt", "status", "response_code", "scheduled_for"]
    list_filter = ["status"]
    list_select_related = ["message", "endpoint"]
