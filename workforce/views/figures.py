"""Entering an employer's figures for a service and year, and the employer's sharing choice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from partnerships.access import partnership_or_404
from partnerships.models import Organisation
from portal import academic_years
from portal.exceptions import StaleEdit
from portal.flows import GET_POST, form_page
from portal.forms import saved_meanwhile, submit
from workforce import services
from workforce.forms import FiguresForm, SharingForm
from workforce.measures import Service
from workforce.models import WorkforceFigures, WorkforceSharing
from workforce.permissions import WorkforcePerm
from workforce.services.figures import services_of


def _employer(request, slug: str, employer_id: int):
    partnership = partnership_or_404(request.user, slug, WorkforcePerm.KEEP_FIGURES)
    if employer_id not in {e.pk for e in services.employers_of(partnership)}:
        raise Http404("No such employer in this partnership")
    employer = get_object_or_404(Organisation, pk=employer_id)
    if not services.can_keep_employer(request.user, partnership, employer.pk):
        raise PermissionDenied("You can only keep your own organisation's workforce figures.")
    return partnership, employer


@login_required
@GET_POST
def figures_edit(request: HttpRequest, slug: str, employer_id: int, service: str, year: int) -> HttpResponse:
    partnership, employer = _employer(request, slug, employer_id)
    if service not in services_of(employer) or academic_years.problem(academic_years.label_for(year)):
        raise Http404("No such service or year")
    label = academic_years.label_for(year)
    figures = WorkforceFigures.objects.filter(
        partnership=partnership, employer=employer, service=service, year=label
    ).first() or WorkforceFigures(partnership=partnership, employer=employer, service=service, year=label, revision=0)
    form = FiguresForm(request.POST or None, figures=figures)
    back = reverse("workforce:partnership", args=[slug])
    context = {
        "partnership": partnership,
        "title": f"{employer.name}: {Service(service).label.lower()}, {label}",
        "intro": "Aggregate figures only: never a social worker's name. Count people at 30 September, as the DfE does.",
        "cancel_url": back,
        "submit_label": "Save figures",
    }
    if request.method == "POST":
        saved, _ = submit(
            form,
            lambda data: services.save_figures(
                request.user,
                partnership,
                employer,
                service,
                label,
                data={k: v for k, v in data.items() if k != "revision"},
                base_revision=data["revision"],
            ),
        )
        if saved:
            messages.success(request, f"{employer.name}'s figures for {label} saved")
            return redirect(back + f"?year={label}")
        if isinstance(form.service_error, StaleEdit):
            # The record may have been created meanwhile: show it as it is saved now.
            current = WorkforceFigures.objects.filter(
                partnership=partnership, employer=employer, service=service, year=label
            ).first()
            context["saved_values"] = saved_meanwhile(form, current or figures)
    return render(request, "workforce/form_page.html", {"form": form, **context})


@login_required
@GET_POST
def sharing_edit(request: HttpRequest, slug: str, employer_id: int) -> HttpResponse:
    partnership, employer = _employer(request, slug, employer_id)
    sharing = WorkforceSharing.objects.filter(partnership=partnership, employer=employer).first()
    form = SharingForm(
        request.POST or None,
        initial={
            "only_in_totals": "yes" if sharing and sharing.only_in_totals else "no",
            "revision": sharing.revision if sharing else 1,
        },
    )
    back = reverse("workforce:partnership", args=[slug])
    return form_page(
        request,
        form,
        lambda data: services.set_sharing(
            request.user,
            partnership,
            employer,
            only_in_totals=data["only_in_totals"],
            base_revision=data["revision"],
        ),
        template="workforce/form_page.html",
        success=f"How {employer.name}'s figures are shown has been saved",
        next_url=back,
        stale_check=sharing,
        partnership=partnership,
        title=f"How {employer.name}'s workforce figures are shown",
        intro="Partnership members always see the partnership's totals. Small numbers (under 5) are suppressed "
        "outside the employer either way.",
        cancel_url=back,
    )
