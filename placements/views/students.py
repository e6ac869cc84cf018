"""Students: the list (with the flags coordinators act on), one student, adding and changing a
student, and the download of everything held on them."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from partnerships.access import Perm, can, object_or_404, partnership_or_404
from placements import exports
from placements.forms import SkillsDaysForm, StudentForm
from placements.models import FILLED, Placement, Programme, Student
from placements.permissions import PlacementPerm
from placements.selectors.checks import student_check_lines
from placements.selectors.figures import students_behind_on_skills_days
from placements.selectors.flags import needs_placement_in, placement_in_year_exists, statutory_placement_exists
from placements.selectors.years import current_year_from, next_year_after
from placements.services.data_protection import export_student_record
from placements.services.students import STUDENT_FIELDS, record_skills_days, save_student
from placements.views.common import (
    PAGE_SIZE,
    all_years,
    export_format,
    filter_universities,
    form_flow,
    listed_partnerships,
    manage_context,
    narrow,
    pick,
    student_export_partnerships,
    student_rows_download,
    visible_partnerships,
)
from portal.audit import history_for
from portal.flows import GET_POST
from portal.paging import paginate, positive_int, query_params

FLAGS = {
    "no-statutory": "Without a statutory placement",
    "no-placement": "Without a placement in the year",
    "skills-behind": "Final year, behind on skills days",
}


@login_required
def student_list(request: HttpRequest) -> HttpResponse:
    partnerships = visible_partnerships(request.user)
    years = all_years()
    selected = query_params(request, "partnership", "year", "flag", "q", "university")
    qs = narrow(Student.objects.visible_to(request.user), request.user, partnerships)
    if selected["partnership"]:
        qs = qs.filter(partnership__slug=selected["partnership"])
    year = next((y for y in years if y.label == selected["year"]), None)
    if selected["flag"] == "no-placement":
        # Needing a placement in the year (a final one, or a first one before next year's final)
        # and with none arranged; without a year chosen, the current year.
        year = year or current_year_from(years)
        if year is None:
            qs = qs.none()
        else:
            next_year = next_year_after(year, years)
            qs = qs.filter(needs_placement_in(year, next_year), purged_on__isnull=True)
            qs = qs.annotate(placed=placement_in_year_exists(year)).filter(placed=False)
    elif selected["flag"] == "skills-behind":
        # Their final placement in the year (without a year chosen, the current one).
        year = year or current_year_from(years)
        qs = qs.none() if year is None else students_behind_on_skills_days(qs, year)
    elif year is not None:
        qs = qs.filter(final_year=year)
    elif selected["year"]:
        qs = qs.none()
    if selected["flag"] == "no-statutory":
        qs = qs.annotate(has_statutory=statutory_placement_exists()).filter(has_statutory=False)
    if positive_int(selected["university"]):
        qs = qs.filter(university_id=positive_int(selected["university"]))
    if selected["q"]:
        qs = qs.filter(Q(reference__icontains=selected["q"]) | Q(name__icontains=selected["q"]))
    qs = qs.select_related("university", "programme", "final_year", "partnership").order_by("reference", "id")
    fmt = export_format(request)
    if fmt:
        if selected["flag"] != "no-statutory":
            qs = qs.annotate(has_statutory=statutory_placement_exists())
        qs = qs.annotate(placement_count=Count("placements"))
        return student_rows_download(
            request, qs, listed_partnerships(partnerships, selected), "students", exports.STUDENTS, fmt
        )
    paged = paginate(request, qs, PAGE_SIZE)
    page_obj = paged["page_obj"]
    # Whether each student on this page has a statutory placement: one query for the page
    # rather than a subquery evaluated across the whole list.
    students = list(page_obj.object_list)
    covered = set(
        Placement.objects.filter(
            student__in=[st.pk for st in students], offer__statutory=True, status__in=FILLED
        ).values_list("student_id", flat=True)
    )
    for student in students:
        student.has_statutory = student.pk in covered
    page_obj.object_list = students
    return render(
        request,
        "placements/student_list.html",
        {
            **paged,
            "partnerships": partnerships,
            **manage_context(request.user, partnerships, selected["partnership"]),
            "can_export": bool(student_export_partnerships(request.user, listed_partnerships(partnerships, selected))),
            "years": years,
            "flag_year": year if selected["flag"] in ("no-placement", "skills-behind") else None,
            "universities": filter_universities(request.user),
            "flags": FLAGS.items(),
            "selected": selected,
        },
    )


@login_required
@GET_POST
def student_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, PlacementPerm.MANAGE)
    form = StudentForm(request.POST or None, partnership=partnership)
    if not Programme.objects.filter(partnership=partnership).exists():
        messages.info(request, "Add the universities' programmes first: each student belongs to one.")
    return form_flow(
        request,
        form,
        lambda data: save_student(request.user, partnership, data=pick(data, STUDENT_FIELDS)),
        success=lambda student: f"Student {student.reference} added",
        next_url=lambda student: student.get_absolute_url(),
        title="Add a student",
        caption=partnership.name,
        intro="Keep personal data to a minimum: the university's reference is enough.",
        submit_label="Add student",
        cancel_url=reverse("placements:student_list"),
    )


def _student_for(request, pk, perm=Perm.VIEW) -> Student:
    return object_or_404(
        Student.objects.select_related("partnership", "university", "programme", "final_year"),
        request.user,
        perm,
        pk=pk,
    )


@login_required
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student_for(request, pk)
    placements = list(
        student.placements.select_related("offer", "offer__employer", "academic_year").order_by("starts_on")
    )
    skills = list(student.skills_days.order_by("completed_on", "id"))
    skills_done = sum(entry.days for entry in skills)
    today = timezone.localdate()
    return render(
        request,
        "placements/student_detail.html",
        {
            "student": student,
            "placements": placements,
            "skills": skills,
            "skills_done": skills_done,
            "skills_left": max(0, student.programme.skills_days - skills_done),
            "checks": student_check_lines(student, today),
            # The rule of figures.students_behind_on_skills_days: in their final placement year
            # (the year holding today), records kept, fewer skills days than required.
            "skills_behind": student.final_year.starts_on <= today <= student.final_year.ends_on
            and not student.purged_on
            and skills_done < student.programme.skills_days,
            "has_statutory": any(p.offer.statutory and p.status in FILLED for p in placements),
            "can_manage": can(request.user, student.partnership_id, PlacementPerm.MANAGE),
            "events": history_for(target=student, limit=10),
        },
    )


@login_required
@GET_POST
def student_edit(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student_for(request, pk, PlacementPerm.MANAGE)
    form = StudentForm(
        request.POST or None,
        instance=copy.copy(student),
        partnership=student.partnership,
        initial={"revision": student.revision},
    )
    return form_flow(
        request,
        form,
        lambda data: save_student(
            request.user,
            student.partnership,
            data=pick(data, STUDENT_FIELDS),
            student=student,
            base_revision=data.get("revision"),
        ),
        success="Student saved",
        next_url=lambda saved: saved.get_absolute_url(),
        stale_check=student,
        title="Change student details",
        caption=str(student),
        cancel_url=student.get_absolute_url(),
    )


@login_required
@GET_POST
def skills_days_create(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student_for(request, pk, PlacementPerm.MANAGE)
    form = SkillsDaysForm(request.POST or None, initial={"completed_on": timezone.localdate()})
    return form_flow(
        request,
        form,
        lambda data: record_skills_days(request.user, student, **pick(data, ["days", "completed_on", "description"])),
        success="Skills days recorded",
        next_url=student.get_absolute_url(),
        title="Record skills days",
        caption=str(student),
        intro=f"{student.programme.name} requires {student.programme.skills_days} skills development days. "
        "Record the days done as they happen; the student's page and the sufficiency and quality figures count them.",
        submit_label="Save skills days",
        cancel_url=student.get_absolute_url(),
    )


@login_required
def student_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held on one student, for a subject access request. The download is recorded
    in the audit trail: personal data left the portal."""
    student = _student_for(request, pk, PlacementPerm.MANAGE)
    return exports.json_download(f"student-{student.pk}", export_student_record(request.user, student))
