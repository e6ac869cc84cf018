"""Partnership data in the admin is read-only: leads and site administrators change it through the
portal's pages, which check roles and write the audit trail."""

from django.contrib import admin

from partnerships.models import (
    Aim,
    GovernanceGroup,
    Meeting,
    Membership,
    Organisation,
    Outcome,
    Partner,
    Partnership,
)
from portal.admin import ReadOnlyAdmin, ReadOnlyMixin


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name"]


class PartnerInline(ReadOnlyMixin, admin.TabularInline):
    model = Partner
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "status", "established_on"]
    list_filter = ["status", "region"]
    search_fields = ["name"]
    inlines = [PartnerInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "partnership", "role", "organisation", "job_title"]
    list_filter = ["role", "partnership"]
    list_select_related = ["user", "partnership", "organisation"]
    search_fields = ["user__email", "user__full_name"]


admin.site.register([Aim, Outcome, GovernanceGroup, Meeting], ReadOnlyAdmin)
