"""Aims and outcomes (with each partner's responsibility): add, change, remove."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from partnerships import selectors, services
from partnerships.access import Perm, can, object_or_404, partnership_or_404, require
from partnerships.auth import AuthenticatedHttpRequest
from partnerships.forms import AimForm, MeasurementForm, OutcomeForm
from partnerships.governance import PROGRESS_RULE_IN_WORDS, Progress, chart
from partnerships.models import Aim, Measurement, Outcome
from partnerships.services.common import day
from partnerships.views.common import confirm, form_flow, tab_url
from portal.flows import GET_POST
from portal.forms import submit


@login_required
@GET_POST
def aim_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.EDIT_PARTNERSHIP)
    return form_flow(
        request,
        AimForm(request.POST or None),
        lambda data: services.add_aim(request.user, partnership, data=data),
        success="The aim is added. Now add the outcomes that show it is met.",
        next_url=lambda aim: reverse("partnerships:outcome_add", args=[partnership.slug, aim.pk]),
        title="Add a joint aim",
        intro="An aim the partners agree to work towards together. Outcomes, measures and each partner's "
        "part come next.",
        partnership=partnership,
        submit_label="Add aim",
        cancel_url=tab_url(partnership, "aims"),
    )


def _aim(request, slug: str, pk: int) -> Aim:
    return object_or_404(
        Aim.objects.select_related("partnership"), request.user, Perm.EDIT_PARTNERSHIP, pk=pk, partnership__slug=slug
    )


@login_required
@GET_POST
def aim_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    aim = _aim(request, slug, pk)
    return form_flow(
        request,
        AimForm(request.POST or None, instance=aim),
        lambda data: services.update_aim(request.user, aim, data=data, base_revision=data.get("revision")),
        success="The aim is saved.",
        stale_check=aim,
        next_url=tab_url(aim.partnership, "aims"),
        title="Change the aim",
        partnership=aim.partnership,
        cancel_url=tab_url(aim.partnership, "aims"),
        delete_url=reverse("partnerships:aim_delete", args=[slug, aim.pk]),
        delete_label="Remove this aim",
    )


@login_required
@GET_POST
def aim_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    aim = _aim(request, slug, pk)
    outcomes = aim.outcomes.count()
    return confirm(
        request,
        lambda: services.delete_aim(request.user, aim),
        success=f"The aim “{aim.title}” is removed.",
        next_url=tab_url(aim.partnership, "aims"),
        title=f"Remove the aim “{aim.title}”?",
        warning=f"Its {outcomes} outcome(s) and the partners' responsibilities for them go too." if outcomes else "",
        partnership=aim.partnership,
        submit_label="Remove aim",
        cancel_url=tab_url(aim.partnership, "aims"),
    )


@login_required
@GET_POST
def outcome_add(request: AuthenticatedHttpRequest, slug: str, aim_pk: int) -> HttpResponse:
    aim = _aim(request, slug, aim_pk)
    partnership = aim.partnership
    form = OutcomeForm(request.POST or None, partnership=partnership)
    return form_flow(
        request,
        form,
        lambda data: services.add_outcome(request.user, aim, data=data, responsibilities=form.responsibilities()),
        success="The outcome is added.",
        next_url=tab_url(partnership, "aims"),
        title="Add an outcome",
        intro=f"For the aim “{aim.title}”. Say how progress is measured, the target, how it is evaluated "
        "and what each partner does towards it (leave a partner empty if they have no part).",
        partnership=partnership,
        submit_label="Add outcome",
        cancel_url=tab_url(partnership, "aims"),
    )


def _outcome(request, slug: str, pk: int) -> Outcome:
    return object_or_404(
        Outcome.objects.select_related("aim__partnership"),
        request.user,
        Perm.EDIT_PARTNERSHIP,
        partnership_attr="aim.partnership_id",
        pk=pk,
        aim__partnership__slug=slug,
    )


@login_required
@GET_POST
def outcome_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    outcome = _outcome(request, slug, pk)
    partnership = outcome.aim.partnership
    form = OutcomeForm(request.POST or None, instance=outcome, partnership=partnership)
    return form_flow(
        request,
        form,
        lambda data: services.update_outcome(
            request.user,
            outcome,
            data=data,
            base_revision=data.get("revision"),
            responsibilities=form.responsibilities(),
        ),
        success="The outcome is saved.",
        stale_check=outcome,
        next_url=tab_url(partnership, "aims"),
        title="Change the outcome",
        intro=f"For the aim “{outcome.aim.title}”.",
        partnership=partnership,
        cancel_url=tab_url(partnership, "aims"),
        delete_url=reverse("partnerships:outcome_delete", args=[slug, outcome.pk]),
        delete_label="Remove this outcome",
    )


@login_required
@GET_POST
def outcome_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    outcome = _outcome(request, slug, pk)
    partnership = outcome.aim.partnership
    return confirm(
        request,
        lambda: services.delete_outcome(request.user, outcome),
        success="The outcome is removed.",
        next_url=tab_url(partnership, "aims"),
        title=f"Remove the outcome “{outcome.description}”?",
        warning="The partners' responsibilities for it go too.",
        partnership=partnership,
        submit_label="Remove outcome",
        cancel_url=tab_url(partnership, "aims"),
    )


@login_required
@GET_POST
def outcome_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """An outcome's measured values over time: a chart with the target, the values as a table,
    the rating of progress, and (for those who edit the partnership) a form to record a value."""
    outcome = object_or_404(
        Outcome.objects.select_related("aim__partnership"),
        request.user,
        Perm.VIEW,
        partnership_attr="aim.partnership_id",
        pk=pk,
        aim__partnership__slug=slug,
    )
    partnership = outcome.aim.partnership
    can_record = can(request.user, partnership, Perm.EDIT_PARTNERSHIP)
    form = None
    if request.method == "POST":
        require(request.user, partnership, Perm.EDIT_PARTNERSHIP)
        form = MeasurementForm(request.POST)
        saved, measurement = submit(form, lambda data: services.record_measurement(request.user, outcome, data=data))
        if saved and measurement is not None:
            messages.success(request, f"Recorded {measurement.value:g} for {day(measurement.measured_on)}.")
            return redirect(request.path)
    elif can_record:
        form = MeasurementForm(initial={"measured_on": timezone.localdate()})
    measurements = list(outcome.measurements.order_by("measured_on"))
    found = selectors.outcome_progress(outcome, measurements)
    drawn = chart([(m.measured_on, m.value) for m in measurements], outcome.target_value)
    return render(
        request,
        "partnerships/outcome_detail.html",
        {
            "outcome": outcome,
            "partnership": partnership,
            "breadcrumbs": [("Aims and outcomes", tab_url(partnership, "aims"))],
            "measurements": measurements,
            "progress": found,
            "rule": PROGRESS_RULE_IN_WORDS,
            "chart": drawn,
            "chart_words": chart_in_words(outcome, measurements, found),
            "form": form,
            "back_url": tab_url(partnership, "aims"),
        },
    )


def chart_in_words(outcome: Outcome, measurements: list[Measurement], found: Progress) -> str:
    """The chart's text alternative: every value is also in the table below it."""
    if not measurements:
        return ""
    first, last = measurements[0], measurements[-1]
    target = f" against a target of {outcome.target_value:g}" if outcome.target_value is not None else ""
    return (
        f"{len(measurements)} value{'s' if len(measurements) != 1 else ''} measured from {day(first.measured_on)} "
        f"to {day(last.measured_on)}{target}: first {first.value:g}, latest {last.value:g}. Progress: {found.in_words}."
    )
