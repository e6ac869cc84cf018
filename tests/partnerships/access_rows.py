"""Who may open each partnerships page (see tests/access.py)."""

from tests import factories as f
from tests.access import LOGIN, Row, members, roles, signed_in, site_admin_only


def _aim(w):
    return f.AimFactory(partnership=w.partnership, title="Matrix aim")


def _outcome(w):
    return f.OutcomeFactory(aim=_aim(w))


def _group(w):
    return f.GovernanceGroupFactory(partnership=w.partnership, name="Matrix board")


def _decision_action(w):
    import datetime as dt

    from partnerships.models import DecisionAction

    return DecisionAction.objects.create(
        meeting=_meeting(w), description="Agree the placement plan", owner=w.user("lead"), due_on=dt.date(2027, 1, 31)
    )


def _meeting(w):
    return f.MeetingFactory(group=_group(w))


def _slug(w) -> dict:
    return {"slug": w.partnership.slug}


def _member_membership(w):
    return w.partnership.memberships.get(user=w.user("member"))


# Organisations are shared: any signed-in user reads them; leads of any partnership register
# new ones (the non-member of the matrix is the lead of another partnership); only leads of a
# partnership the organisation belongs to (and site administrators) change it.
ADD_ORGANISATION: dict[str, int | str] = {
    "anonymous": LOGIN,
    "non_member": 200,
    "member": 403,
    "coordinator": 403,
    "signatory": 403,
    "lead": 200,
    "admin": 200,
    "student": 403,
    "educator": 403,
}
EDIT_ORGANISATION: dict[str, int | str] = {**ADD_ORGANISATION, "non_member": 403}

ROWS: list[Row] = [
    Row("partnerships:organisation_list", signed_in()),
    Row("partnerships:organisation_detail", signed_in(), kwargs=lambda w: {"pk": w.employer.pk}),
    Row("partnerships:organisation_create", ADD_ORGANISATION),
    Row("partnerships:organisation_edit", EDIT_ORGANISATION, kwargs=lambda w: {"pk": w.employer.pk}),
    Row("partnerships:partnership_list", signed_in()),
    Row("partnerships:partnership_create", site_admin_only()),
    Row("partnerships:partnership_detail", members(), kwargs=_slug),
    Row("partnerships:partnership_edit", roles("lead"), kwargs=_slug),
    Row("partnerships:partnership_history", members(), kwargs=_slug),
    Row("partnerships:membership_list", members(), kwargs=_slug),
    Row("partnerships:partnership_section", members(), kwargs=lambda w: {**_slug(w), "key": "memoranda"}),
    Row("partnerships:partner_add", roles("lead"), kwargs=_slug),
    Row("partnerships:partner_edit", roles("lead"), kwargs=lambda w: {**_slug(w), "pk": w.university_partner.pk}),
    Row("partnerships:partner_end", roles("lead"), kwargs=lambda w: {**_slug(w), "pk": w.university_partner.pk}),
    Row("partnerships:aim_add", roles("lead"), kwargs=_slug),
    Row("partnerships:aim_edit", roles("lead"), kwargs=lambda w: {**_slug(w), "pk": _aim(w).pk}),
    Row("partnerships:aim_delete", roles("lead"), kwargs=lambda w: {**_slug(w), "pk": _aim(w).pk}),
    Row("partnerships:outcome_add", roles("lead"), kwargs=lambda w: {**_slug(w), "aim_pk": _aim(w).pk}),
    Row("partnerships:outcome_detail", members(), kwargs=lambda w: {**_slug(w), "pk": _outcome(w).pk}),
    Row("partnerships:outcome_edit", roles("lead"), kwargs=lambda w: {**_slug(w), "pk": _outcome(w).pk}),
    Row("partnerships:outcome_delete", roles("lead"), kwargs=lambda w: {**_slug(w), "pk": _outcome(w).pk}),
    Row("partnerships:group_add", roles("lead"), kwargs=_slug),
    Row("partnerships:group_detail", members(), kwargs=lambda w: {**_slug(w), "pk": _group(w).pk}),
    Row("partnerships:group_edit", roles("lead"), kwargs=lambda w: {**_slug(w), "pk": _group(w).pk}),
    Row(
        "partnerships:meeting_add",
        roles("lead", "coordinator"),
        kwargs=lambda w: {**_slug(w), "pk": _group(w).pk},
    ),
    Row(
        "partnerships:meeting_edit",
        roles("lead", "coordinator"),
        kwargs=lambda w: {**_slug(w), "pk": _meeting(w).pk},
    ),
    Row(
        "partnerships:decision_action_add",
        roles("lead", "coordinator"),
        kwargs=lambda w: {**_slug(w), "pk": _meeting(w).pk},
    ),
    Row(
        "partnerships:decision_action_edit",
        roles("lead", "coordinator"),
        kwargs=lambda w: {**_slug(w), "pk": _decision_action(w).pk},
        note="the owner may update it too",
    ),
    Row("partnerships:membership_invite", roles("lead"), kwargs=_slug),
    Row(
        "partnerships:membership_edit",
        roles("lead"),
        kwargs=lambda w: {**_slug(w), "pk": _member_membership(w).pk},
    ),
    Row(
        "partnerships:membership_remove",
        roles("lead"),
        kwargs=lambda w: {**_slug(w), "pk": _member_membership(w).pk},
        note="GET shows the confirmation; only POST removes",
    ),
]
