"""Every state change of frameworks and health checks: one function per user action.

Each function checks permission (partnerships.access.require, or site administrator for
frameworks), checks state, runs in a transaction holding row locks where two people could
collide, and writes an audit event (portal.audit.record, with the names in healthcheck/actions.py).

Two kinds of work, two sets of modules:
* authoring.py: frameworks, for site administrators (drafts, versions, areas, criteria,
  publishing, importing).
* running a health check, for partnerships: running.py (start, live figures, ratings, evidence),
  action_plans.py (actions and their updates), signing.py (submit, sign off, reopen),
  reminders.py (overdue action e-mails); common.py holds the health check's row lock and the
  in-progress check they share.

The app's own code imports each function from the module that holds it; the names below are
re-exported for tests and scripts (`from healthcheck import services; services.submit(...)`).
"""

from healthcheck.services.action_plans import add_action, can_update_action, update_action
from healthcheck.services.authoring import (
    create_framework,
    delete_area,
    delete_criterion,
    delete_draft_framework,
    import_framework,
    latest_published,
    new_version,
    publish_framework,
    save_area,
    save_criterion,
    update_framework,
)
from healthcheck.services.reminders import send_overdue_action_reminders
from healthcheck.services.running import (
    add_evidence,
    refresh_figures,
    remove_evidence,
    save_rating,
    start_health_check,
)
from healthcheck.services.signing import can_sign_off, reopen, sign_off, submission_problems, submit

__all__ = [
    "add_action",
    "add_evidence",
    "can_sign_off",
    "can_update_action",
    "create_framework",
    "delete_area",
    "delete_criterion",
    "delete_draft_framework",
    "import_framework",
    "latest_published",
    "new_version",
    "publish_framework",
    "refresh_figures",
    "remove_evidence",
    "reopen",
    "save_area",
    "save_criterion",
    "save_rating",
    "send_overdue_action_reminders",
    "sign_off",
    "start_health_check",
    "submission_problems",
    "submit",
    "update_action",
    "update_framework",
]
