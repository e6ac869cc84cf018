"""Every change to preference rounds: one function per user action (re-exported here)."""

from matching.services.preferences import may_answer_for, save_preferences
from matching.services.proposals import confirm_proposal, remove_pin, run_proposal, set_pin, solve_round
from matching.services.rounds import create_round, move_round, remove_student, update_round

__all__ = [
    "confirm_proposal",
    "create_round",
    "may_answer_for",
    "move_round",
    "remove_pin",
    "remove_student",
    "run_proposal",
    "save_preferences",
    "set_pin",
    "solve_round",
    "update_round",
]
