"""The lead takes the forecast's suggested final placements as the year's "needed" on the
sufficiency page, through placements' own service for programmes' demand (its rules and its
audit), with a second event saying the figure came from the workforce forecast."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from partnerships.access import Perm, require
from placements.models import Programme, ProgrammeDemand
from placements.services.planning import ensure_academic_year, set_demand
from portal.audit import record
from workforce.actions import Action


@transaction.atomic
def confirm_final_placements(actor, partnership, *, year: str, final: int, programme_id: int) -> ProgrammeDemand:
    """Make `final` (the baseline forecast's suggestion for `year`, checked again here) the
    partnership's final placements needed that year: the chosen programme's final placements
    become `final` less the other programmes' (theirs stay), its first placements as they are."""
    from workforce.selectors import suggested_final_placements

    require(actor, partnership, Perm.EDIT_PARTNERSHIP)
    suggested = suggested_final_placements(partnership, year)
    if suggested is None:
        raise ValidationError(f"The forecast does not reach {year}")
    if suggested != final:
        raise ValidationError(
            f"The forecast now suggests {suggested} final placements for {year}, not {final}: "
            "the figures changed since the page was shown. Check it and confirm again."
        )
    programme = Programme.objects.filter(partnership=partnership, pk=programme_id).first()
    if programme is None:
        raise ValidationError({"programme": "Choose one of the partnership's programmes"})
    academic_year = ensure_academic_year(year)
    demands = ProgrammeDemand.objects.select_for_update().filter(
        programme__partnership=partnership, academic_year=academic_year
    )
    current = next((d for d in demands if d.programme_id == programme.pk), None)
    others = demands.exclude(programme=programme).aggregate(n=Sum("final_placements"))["n"] or 0
    target = max(0, final - others)
    before = current.final_placements if current else 0
    demand = set_demand(
        actor,
        programme,
        academic_year,
        first=current.first_placements if current else 0,
        final=target,
        base_revision=current.revision if current else 0,
    )
    rest = f"; the other programmes' {others} stay" if others else ""
    record(
        actor,
        Action.NEED_CONFIRMED,
        demand,
        changes={"final_placements": [before, target]},
        summary=f"Used the workforce forecast's {final} final placements needed for {year}: "
        f"{programme.name}'s final placements set to {target}{rest}",
        partnership_id=partnership.pk,
    )
    return demand
