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

Callers import the module that holds the function:
`from healthcheck.services import signing; signing.submit(...)`.
"""
