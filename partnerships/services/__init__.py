"""Every change to organisations, partnerships, partners, aims and outcomes, governance and
memberships: one function per user action.

Each one checks who may do it (`partnerships.access`), checks the state, runs in a transaction
and writes the audit trail (actions.py names the events) with a sentence a person can read in
the History panel. Business-rule refusals raise ValidationError (a dict keyed by form field where
one field is at fault), which views add to the form; a stale edit raises
portal.exceptions.StaleEdit.

The modules follow the partnership page's sections: organisations.py, details.py (the
partnership itself), partners.py, aims.py (aims, outcomes, responsibilities), governance.py
(groups and meetings), people.py (memberships and invitations); common.py holds the helpers they
share (`apply` is the edit pattern: snapshot, assign, check, full_clean, diff). Callers use
`from partnerships import services; services.add_partner(...)`.
"""

from partnerships.services.aims import (
    add_aim,
    add_outcome,
    delete_aim,
    delete_outcome,
    record_measurement,
    update_aim,
    update_outcome,
)
from partnerships.services.details import create_partnership, update_partnership
from partnerships.services.governance import (
    add_decision_action,
    add_group,
    can_update_decision_action,
    record_meeting,
    update_decision_action,
    update_group,
    update_meeting,
)
from partnerships.services.organisations import create_organisation, update_organisation
from partnerships.services.partners import add_partner, end_partner, update_partner
from partnerships.services.people import Invitation, change_membership, invite_member, remove_membership

__all__ = [
    "Invitation",
    "add_aim",
    "add_decision_action",
    "add_group",
    "add_outcome",
    "add_partner",
    "can_update_decision_action",
    "change_membership",
    "create_organisation",
    "create_partnership",
    "delete_aim",
    "delete_outcome",
    "end_partner",
    "invite_member",
    "record_measurement",
    "record_meeting",
    "remove_membership",
    "update_aim",
    "update_decision_action",
    "update_group",
    "update_meeting",
    "update_organisation",
    "update_outcome",
    "update_partner",
    "update_partnership",
]
