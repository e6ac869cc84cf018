"""Partnership and organisation pages, one module per section of the partnership page (urls.py
points at each): organisations.py, details.py (the list, the partnership page and its tabs,
create, edit, history), partners.py, aims.py (aims and outcomes), governance.py (groups and
meetings), people.py (memberships and invitations); common.py holds the form page and the
"are you sure?" page they share.

Thin: find the object through the access rules, run the form through a service
(`portal.flows.form_page`), render.
"""
