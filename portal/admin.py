"""The Django admin is for support and site-wide reference data, not for partnership work.

Everything inside a partnership changes only through the portal's own pages, whose services check
roles and state and write the audit trail; so those models appear here read-only
(`ReadOnlyAdmin`). The few things only the admin edits (user accounts, academic years) are
audited too (`AuditedAdmin`), and nothing is deleted from here.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal.audit import diff, record
from portal.models import AuditEvent, Export, OutgoingMail, User


class ReadOnlyMixin:
    """For admins and inlines that show rows for support; changes go through the portal's pages."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit event for every save made in the admin; deleting is not offered."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        fields = sorted(name for name in form.changed_data if "password" not in name)
        verb = "updated" if change else "created"
        record(
            request.user,
            f"{obj._meta.model_name}.{verb}_in_admin",
            obj,
            changes=diff(
                {name: form.initial.get(name) for name in fields},
                {name: form.cleaned_data.get(name) for name in fields},
            ),
            summary=f"{verb.capitalize()} {obj._meta.verbose_name} {obj} in the admin"
            + (f" ({', '.join(fields)})" if fields else ""),
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "job_title", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "job_title"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The trail is written by services only."""

    list_display = ["created_at", "actor_label", "action", "target_label", "summary"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label", "summary"]
    list_select_related = ["actor"]


# Background jobs: the engine's own rows ("Task results", django_tasks_db's admin) show every job
# with its status, attempts (worker ids) and last traceback; failed ones are filtered by status.
# The e-mails and exports they leave are listed here, read-only, for support.
@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "subject", "sent_at", "attempts", "failed", "uncertain"]
    list_filter = ["failed", "uncertain", "template"]
    search_fields = ["to", "subject"]


@admin.register(Export)
class ExportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "owner", "kind", "fmt", "status", "rows_done", "rows_total", "expires_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["owner"]
