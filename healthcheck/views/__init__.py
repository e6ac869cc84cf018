"""Health check pages, one module per kind of work (urls.py points at each):

lists.py (health checks across partnerships, choosing where to start one, the heatmaps),
running.py (starting one, its page, each criterion with its rating, evidence and actions, the
live figures), action_plans.py (the action list, updating an action), signing.py (submit, sign
off, reopen), exports.py (PDF and CSV of one health check) and frameworks.py (reading frameworks,
and authoring them for site administrators). common.py holds what they share.

Thin: parse, call a selector or a service, render. Forms go through portal.flows.form_page
(views/common.hc_form_page on healthcheck/form_page.html) or portal.forms.submit.
"""
