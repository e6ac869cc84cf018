"""The audit-trail action names workforce planning writes, declared once."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    FIGURES_SAVED = "workforce_figures.saved"
    SHARING_SET = "workforce_sharing.set"
    SCENARIO_SAVED = "workforce_scenario.saved"
    SCENARIO_DELETED = "workforce_scenario.deleted"
    IMPORT_CHECKED = "workforce_import.checked"
    IMPORT_COMPLETED = "workforce_import.completed"
    NEED_CONFIRMED = "workforce_need.confirmed"
