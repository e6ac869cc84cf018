"""Planning: academic years, programmes, the demand they bring and the places employers commit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from partnerships.access import require
from partnerships.models import Organisation
from placements.actions import Action
from placements.models import AcademicYear, EmployerCommitment, Programme, ProgrammeDemand
from placements.permissions import PlacementPerm
from placements.services.common import apply_changes, assign, require_employer, save_next_revision
from portal import academic_years
from portal.audit import diff, record, snapshot
from portal.concurrency import refuse_stale

# --- Academic years ---------------------------------------------------------------------------


def ensure_academic_year(label: str) -> AcademicYear:
    """The year with this label, created with 1 September - 31 August dates if new. Years are
    site-wide reference data, so no partnership permission applies."""
    year = AcademicYear.objects.filter(label=label).first()
    if year:
        return year
    if problem := academic_years.problem(label):
        raise ValidationError({"academic_year": problem})
    starts, ends = academic_years.bounds(label)
    year = AcademicYear(label=label, starts_on=starts, ends_on=ends)
    year.full_clean()
    year.save()
    return year


# --- Programmes, demand, commitments ----------------------------------------------------------


@transaction.atomic
def save_programme(actor, partnership, *, data: dict, programme: Programme | None = None, base_revision=None):
    require(actor, partnership, PlacementPerm.MANAGE)
    if programme is None:
        programme = Programme(partnership=partnership)
        action, verb, before = Action.PROGRAMME_CREATED, "Added", {}
        assign(programme, data)
    else:
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        refuse_stale(programme, base_revision)
        programme.revision += 1
        action, verb = Action.PROGRAMME_UPDATED, "Updated"
        before = apply_changes(programme, data)
    if programme.university_id and not programme.university.is_university:
        raise ValidationError({"university": "Choose a university"})
    programme.full_clean()
    programme.save()
    record(
        actor,
        action,
        programme,
        changes=diff(before, snapshot(programme, data.keys())),
        summary=f"{verb} the programme {programme.name}",
        partnership_id=partnership.pk,
    )
    return programme


@transaction.atomic
def set_demand(
    actor,
    programme: Programme,
    academic_year: AcademicYear,
    *,
    first: int,
    final: int,
    base_revision: int | None,
) -> ProgrammeDemand:
    """`base_revision` is the revision of the year's figures the form showed (0: none recorded)."""
    require(actor, programme.partnership_id, PlacementPerm.MANAGE)
    demand = (
        ProgrammeDemand.objects.select_for_update().filter(programme=programme, academic_year=academic_year).first()
    )
    if demand is None:
        demand = ProgrammeDemand(programme=programme, academic_year=academic_year, revision=0)
    refuse_stale(demand, base_revision)
    before = snapshot(demand, ["first_placements", "final_placements"])
    demand.first_placements, demand.final_placements = first, final
    save_next_revision(demand)
    record(
        actor,
        Action.DEMAND_SET,
        demand,
        changes=diff(before, snapshot(demand, ["first_placements", "final_placements"])),
        summary=f"Set demand for {programme.name} in {academic_year}: {first} first, {final} final placements",
        partnership_id=programme.partnership_id,
    )
    return demand


@transaction.atomic
def set_commitment(
    actor,
    partnership,
    employer: Organisation,
    academic_year: AcademicYear,
    places: int,
    *,
    base_revision: int | None,
) -> EmployerCommitment:
    """Record the places an employer committed for a year. `base_revision` is the revision of the
    commitment the form showed for that employer and year (0: none recorded); a different one means
    the number changed since, or the form showed another employer's, and the save is refused."""
    require_employer(actor, partnership, employer.pk)
    commitment = (
        EmployerCommitment.objects.select_for_update()
        .filter(partnership=partnership, employer=employer, academic_year=academic_year)
        .first()
    )
    if commitment is None:
        commitment = EmployerCommitment(
            partnership=partnership, employer=employer, academic_year=academic_year, places=places, revision=0
        )
        old = None
    else:
        old = commitment.places
    refuse_stale(
        commitment,
        base_revision,
        f"The places committed by {employer.name} in {academic_year} changed after you opened this page, "
        f"or were not the ones it showed: {commitment.places} are recorded now. Check the number, then save again.",
    )
    commitment.places = places
    save_next_revision(commitment)
    record(
        actor,
        Action.COMMITMENT_SET,
        commitment,
        changes={"places": [old, places]},
        summary=f"Recorded {places} committed places for {employer.name} in {academic_year}",
        partnership_id=partnership.pk,
        organisation_id=employer.pk,
    )
    return commitment
