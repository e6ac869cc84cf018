"""Every change to workforce data: one function per user action, checked and audited."""

from workforce.services.figures import (
    can_keep_employer,
    employers_of,
    keepable_employers,
    require_employer,
    save_figures,
    set_sharing,
)
from workforce.services.planning import confirm_final_placements
from workforce.services.scenarios import delete_scenario, save_scenario

__all__ = [
    "can_keep_employer",
    "confirm_final_placements",
    "delete_scenario",
    "employers_of",
    "keepable_employers",
    "require_employer",
    "save_figures",
    "save_scenario",
    "set_sharing",
]
