"""Memoranda pages, one module per kind of work (urls.py points at each):

lists.py (the list and the export), drafting.py (create, details, sections, parties, places,
comments), signing.py (send, withdraw, sign, decline), lifecycle.py (review, amend, end),
pages.py (the memorandum page, versions, comparison, PDFs) and verification.py (public).

Thin: parse, call a selector or service, render. Every action page also answers GET (a form or
a confirmation), so the site works without JavaScript and every URL has a row in the access
matrix.
"""
