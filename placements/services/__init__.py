"""Every change to placement data: one function per user action, each checking permission and
state inside a transaction and writing the audit trail (placements.actions names its events).

One module per area, as the pages in placements/views/ are: planning (years, programmes,
demand, commitments), offers, students, allocations (placing students, status, reviews),
educators, data_protection (retention, purging, subject access, old import files); common holds
what they share (who may maintain an employer's data, saving a revision on). Import a function
from the module that holds it.
"""
