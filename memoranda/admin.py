"""Memoranda in the admin are read-only: they change only through the portal's pages, whose
services enforce the signing rules, freeze versions and write the audit trail."""

from django.contrib import admin

from memoranda.models import Memorandum, MemorandumVersion
from portal.admin import ReadOnlyAdmin


@admin.register(Memorandum)
class MemorandumAdmin(ReadOnlyAdmin):
    list_display = ["title", "partnership", "kind", "status", "effective_date", "review_date"]
    list_filter = ["status", "kind"]
    list_select_related = ["partnership"]
    search_fields = ["title", "partnership__name"]


@admin.register(MemorandumVersion)
class MemorandumVersionAdmin(ReadOnlyAdmin):
    list_display = ["memorandum", "number", "status", "sent_at", "signed_at", "sha256"]
    list_filter = ["status"]
    list_select_related = ["memorandum"]
    search_fields = ["sha256", "memorandum__title"]
