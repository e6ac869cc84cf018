"""Read queries for the placement pages, the metrics and the dashboard, one module per area:
years, sufficiency, flags (students and placements to act on), educators (currency in SQL) and
quality (with the live metrics). Every page-level query is scoped with `.visible_to(user)` and
loads related rows in the same query, so the number of queries per page does not grow with the
data. Import a function from the module that holds it.
"""
