"""Helpers shared by the placement pages: reading filters from the query string, paging,
exports, the form page (portal.flows) and the partnership/employer lists that filters offer."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from partnerships.access import can, roles_label
from partnerships.models import EMPLOYER_KINDS, Organisation, OrganisationKind, Partnership
from placements import exports
from placements.models import AcademicYear
from placements.permissions import PlacementPerm
from portal.flows import form_page

PAGE_SIZE = 50  # lists are long and scanned, so more rows per page than the portal default


def export_format(request) -> str | None:
    fmt = request.GET.get("export")
    return fmt if fmt in ("csv", "xlsx") else None


def maybe_download(request, filename: str, columns, objects):
    """The list as a download when the query string asks for one (?export=csv or xlsx), else None."""
    fmt = export_format(request)
    return exports.download(filename, columns, objects, fmt) if fmt else None


def listed_partnerships(partnerships, selected: dict) -> list[Partnership]:
    """The partnerships a list shows: the one filtered on, or all the user sees."""
    slug = selected.get("partnership")
    return [p for p in partnerships if p.slug == slug] if slug else partnerships


def student_export_partnerships(user, partnerships) -> list[Partnership]:
    """Of the partnerships a list covers, those whose students' rows this user may download."""
    return [p for p in partnerships if can(user, p, PlacementPerm.EXPORT_STUDENTS)]


def student_rows_download(request, qs, partnerships, filename: str, columns, fmt: str):
    """A download of a list with a row per student (or per student's placement): only the rows of
    partnerships where the user may export them, and 403 where there are none."""
    allowed = student_export_partnerships(request.user, partnerships)
    if not allowed:
        raise PermissionDenied(f"Only {roles_label(PlacementPerm.EXPORT_STUDENTS)} can download students' details.")
    if not request.user.is_site_admin:
        qs = qs.filter(partnership_id__in=[p.pk for p in allowed])
    return exports.download(filename, columns, qs.iterator(chunk_size=2000), fmt)


def visible_partnerships(user) -> list[Partnership]:
    return list(Partnership.objects.visible_to(user).only("id", "name", "slug").order_by("name"))


def all_years() -> list[AcademicYear]:
    return list(AcademicYear.objects.order_by("-starts_on"))


def narrow(qs, user, partnerships):
    """Add the user's partnership ids as a literal list to a visible_to() queryset: the result is
    the same, but PostgreSQL can then walk the (partnership, order) index instead of sorting
    every visible row, which keeps late pages of long lists fast."""
    if user.is_site_admin:
        return qs
    return qs.filter(partnership_id__in=[p.pk for p in partnerships])


def filter_organisations(user, kinds) -> list[tuple[str, str]]:
    """Organisations of these kinds in the user's partnerships, for a filter's select, as
    (id as text, name): plain tuples compare with the selected query value directly, and a site
    administrator's list runs to hundreds."""
    rows = (
        Organisation.objects.filter(kind__in=kinds, partner_roles__partnership__in=Partnership.objects.visible_to(user))
        .distinct()
        .order_by("name")
        .values_list("id", "name")
    )
    return [(str(pk), name) for pk, name in rows]


def filter_employers(user):
    return filter_organisations(user, EMPLOYER_KINDS)


def filter_universities(user):
    return filter_organisations(user, [OrganisationKind.UNIVERSITY])


def manage_context(user, partnerships, selected_slug: str) -> dict:
    """Partnerships to show "Add ..." and "Import" buttons for: the filtered one, or all the user
    may manage when they are few (a site administrator would otherwise get dozens)."""
    allowed = [p for p in partnerships if can(user, p, PlacementPerm.MANAGE)]
    if selected_slug:
        manageable = [p for p in allowed if p.slug == selected_slug]
    else:
        manageable = allowed if len(allowed) <= 3 else []
    return {"manageable": manageable, "manage_hint": bool(allowed) and not manageable and not selected_slug}


FORM_TEMPLATE = "placements/form_page.html"


def form_flow(request, form, service, *, success, next_url, stale_check=None, **page) -> HttpResponse:
    """portal.flows.form_page on placements/form_page.html (title, caption, intro, submit_label,
    cancel_url...)."""
    return form_page(
        request,
        form,
        service,
        template=FORM_TEMPLATE,
        success=success,
        next_url=next_url,
        stale_check=stale_check,
        **page,
    )


def render_form(request, form, **page) -> HttpResponse:
    """The same page, for the two flows form_flow does not fit: placing a student (flags to
    confirm before saving) and figures whose record the form itself chooses (a year's demand, an
    employer's commitment), whose saved version is known only after the post."""
    return render(request, FORM_TEMPLATE, {"form": form, **page})


def pick(data: dict, names) -> dict:
    """The form's cleaned values a service takes."""
    return {name: data[name] for name in names}
