"""Every change to organisations, partnerships, partners, aims and outcomes, governance and
memberships: one function per user action.

Each one checks who may do it (`partnerships.access`), checks the state, runs in a transaction
and writes the audit trail with a sentence a person can read in the History panel. Business-rule
refusals raise ValidationError (a dict keyed by form field where one field is at fault), which
views add to the form; a stale edit raises portal.exceptions.StaleEdit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from partnerships.access import Perm, forget_memberships, require, require_organisation_edit
from partnerships.models import (
    Aim,
    GovernanceGroup,
    Meeting,
    Membership,
    Organisation,
    Outcome,
    OutcomeResponsibility,
    Partner,
    PartnerLevel,
    Partnership,
    Role,
)
from portal.audit import diff, record, snapshot
from portal.concurrency import fresh, refuse_stale
from portal.links import absolute_url
from portal.mail import send_now
from portal.models import User

logger = logging.getLogger(__name__)

ORGANISATION_FIELDS = [
    "name",
    "kind",
    "la_services",
    "region",
    "website",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
]
PARTNERSHIP_FIELDS = ["name", "region", "description", "established_on", "status"]
PARTNER_FIELDS = ["level", "joined_on", "left_on", "contribution"]
AIM_FIELDS = ["title", "description"]
OUTCOME_FIELDS = ["description", "measure", "target", "evaluation"]
GROUP_FIELDS = ["name", "kind", "purpose", "frequency", "chair", "chair_organisation"]
MEETING_FIELDS = ["held_on", "attendees", "decisions", "notes"]
MEMBERSHIP_FIELDS = ["role", "organisation", "job_title"]


# --- Helpers -----------------------------------------------------------------------------------


def _assign(obj: models.Model, data: dict, fields: list[str]) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            setattr(obj, name, value.strip() if isinstance(value, str) else value)


def _apply(obj: models.Model, data: dict, fields: list[str], check=None) -> dict:
    """Put the submitted values on `obj`, check them (the model's own rules, then `check(obj)`
    for the business rules) and return what changed, as {field: [old, new]} for the audit."""
    before = snapshot(obj, fields)
    _assign(obj, data, fields)
    if check is not None:
        check(obj)
    obj.full_clean(validate_constraints=False)
    return diff(before, snapshot(obj, fields))


def _new(obj: models.Model, fields: list[str]) -> dict:
    """A new object's values, as changes from nothing."""
    return diff({}, snapshot(obj, fields))


def _one_line(text: str) -> str:
    """Names are compared and stored with single spaces, so "Leeds  City Council" is a duplicate."""
    return " ".join((text or "").split())


def _labels(model: type[models.Model], names) -> str:
    """The changed fields in words: "region, website and address"."""
    labels = [str(model._meta.get_field(name).verbose_name) for name in names]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _save(obj: models.Model, message: dict | str) -> None:
    """Save, turning a database constraint failure (another request won a race) into a refusal."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError(message) from None


def _day(value: date) -> str:
    return dateformat.format(value, "j F Y")


def _lock(partnership: Partnership) -> Partnership:
    """Serialise changes inside one partnership (one lead partner, at least one lead...)."""
    return Partnership.objects.select_for_update().get(pk=partnership.pk)


def _is_current_partner(partnership: Partnership, organisation: Organisation) -> bool:
    today = timezone.localdate()
    return Partner.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gt=today), partnership=partnership, organisation=organisation
    ).exists()


# --- Organisations -----------------------------------------------------------------------------


def _refuse_duplicate_organisation(organisation: Organisation) -> None:
    organisation.name = _one_line(organisation.name)
    clash = Organisation.objects.filter(name__iexact=organisation.name).exclude(pk=organisation.pk).first()
    if clash:
        raise ValidationError(
            {
                "name": f"An organisation called {clash.name} is already registered. Use that one, or choose another name."
            }
        )


@transaction.atomic
def create_organisation(actor: User, *, data: dict) -> Organisation:
    require_organisation_edit(actor)
    organisation = Organisation()
    _apply(organisation, data, ORGANISATION_FIELDS, _refuse_duplicate_organisation)
    _save(organisation, {"name": f"An organisation called {organisation.name} is already registered."})
    record(
        actor,
        "organisation.created",
        organisation,
        changes=_new(organisation, ORGANISATION_FIELDS),
        summary=f"Registered the organisation {organisation.name}",
        organisation_id=organisation.pk,
    )
    return organisation


@transaction.atomic
def update_organisation(actor: User, organisation: Organisation, *, data: dict, base_revision) -> Organisation:
    require_organisation_edit(actor, organisation)
    locked = fresh(Organisation.objects.select_for_update(), organisation)
    refuse_stale(locked, base_revision)
    changes = _apply(locked, data, ORGANISATION_FIELDS, _refuse_duplicate_organisation)
    if not changes:
        return locked
    locked.revision += 1
    _save(locked, {"name": f"An organisation called {locked.name} is already registered."})
    record(
        actor,
        "organisation.updated",
        locked,
        changes=changes,
        summary=f"Changed the {_labels(Organisation, changes)} of {locked.name}",
        organisation_id=locked.pk,
    )
    return locked


# --- Partnerships ------------------------------------------------------------------------------


def _refuse_duplicate_partnership(partnership: Partnership) -> None:
    partnership.name = _one_line(partnership.name)
    clash = Partnership.objects.filter(name__iexact=partnership.name).exclude(pk=partnership.pk).first()
    if clash:
        raise ValidationError({"name": f"There is already a partnership called {clash.name}. Choose another name."})


# Addresses under /partnerships/ that are pages, not partnerships.
RESERVED_SLUGS = {"new"}


def _free_slug(wanted: str) -> str:
    base = slugify(wanted)[:72] or "partnership"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Partnership.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_partnership(actor: User, *, data: dict, lead_organisation: Organisation | None = None) -> Partnership:
    """Site administrators set partnerships up; the lead partner, when known, is added with it."""
    if not actor.is_site_admin:
        raise PermissionDenied("Only site administrators can create partnerships.")
    partnership = Partnership()
    _assign(partnership, data, PARTNERSHIP_FIELDS)
    _refuse_duplicate_partnership(partnership)
    wanted = (data.get("slug") or "").strip()
    if wanted:
        if wanted in RESERVED_SLUGS or Partnership.objects.filter(slug=wanted).exists():
            raise ValidationError({"slug": f"The web address {wanted} is taken. Choose another."})
        partnership.slug = wanted
    else:
        partnership.slug = _free_slug(partnership.name)
    partnership.full_clean(validate_constraints=False)
    _save(partnership, {"name": "A partnership with this name or web address was created meanwhile."})
    record(
        actor,
        "partnership.created",
        partnership,
        changes=_new(partnership, [*PARTNERSHIP_FIELDS, "slug"]),
        summary=f"Created the partnership {partnership.name}",
        partnership_id=partnership.pk,
    )
    if lead_organisation is not None:
        add_partner(
            actor,
            partnership,
            data={
                "organisation": lead_organisation,
                "level": PartnerLevel.LEAD,
                "joined_on": partnership.established_on,
            },
        )
    return partnership


@transaction.atomic
def update_partnership(actor: User, partnership: Partnership, *, data: dict, base_revision) -> Partnership:
    require(actor, partnership, Perm.EDIT_PARTNERSHIP)
    locked = _lock(partnership)
    refuse_stale(locked, base_revision)
    changes = _apply(locked, data, PARTNERSHIP_FIELDS, _refuse_duplicate_partnership)
    if not changes:
        return locked
    locked.revision += 1
    _save(locked, {"name": "There is already a partnership with this name."})
    record(
        actor,
        "partnership.updated",
        locked,
        changes=changes,
        summary=f"Changed the partnership's {_labels(Partnership, changes)}",
        partnership_id=locked.pk,
    )
    return locked


# --- Partners ----------------------------------------------------------------------------------


def _refuse_second_lead_partner(partner: Partner) -> None:
    if partner.level != PartnerLevel.LEAD:
        return
    other = (
        Partner.objects.filter(partnership=partner.partnership, level=PartnerLevel.LEAD)
        .exclude(pk=partner.pk)
        .select_related("organisation")
        .first()
    )
    if other:
        raise ValidationError(
            {"level": f"{other.organisation.name} is the lead partner. Make them a core partner first, then try again."}
        )


@transaction.atomic
def add_partner(actor: User, partnership: Partnership, *, data: dict) -> Partner:
    require(actor, partnership, Perm.EDIT_PARTNERSHIP)
    locked = _lock(partnership)
    organisation = data.get("organisation")
    if organisation is None:
        raise ValidationError({"organisation": "Choose the organisation that is joining"})
    if Partner.objects.filter(partnership=locked, organisation=organisation).exists():
        raise ValidationError(
            {"organisation": f"{organisation.name} is already a partner here. Change its details instead."}
        )
    partner = Partner(partnership=locked, organisation=organisation)
    _apply(partner, data, PARTNER_FIELDS, _refuse_second_lead_partner)
    _save(partner, {"organisation": f"{organisation.name} was added meanwhile."})
    record(
        actor,
        "partner.added",
        partner,
        changes=_new(partner, PARTNER_FIELDS),
        summary=f"Added {organisation.name} as {partner.get_level_display().lower()}",
        partnership_id=locked.pk,
        organisation_id=organisation.pk,
    )
    return partner


@transaction.atomic
def update_partner(actor: User, partner: Partner, *, data: dict, base_revision) -> Partner:
    require(actor, partner.partnership_id, Perm.EDIT_PARTNERSHIP)
    _lock(partner.partnership)
    locked = fresh(Partner.objects.select_related("organisation", "partnership"), partner)
    refuse_stale(locked, base_revision)
    changes = _apply(locked, data, PARTNER_FIELDS, _refuse_second_lead_partner)
    if not changes:
        return locked
    locked.revision += 1
    _save(locked, {"level": "Another partner became the lead partner meanwhile."})
    record(
        actor,
        "partner.updated",
        locked,
        changes=changes,
        summary=f"Changed the {_labels(Partner, changes)} of {locked.organisation.name}",
        partnership_id=locked.partnership_id,
        organisation_id=locked.organisation_id,
    )
    return locked


@transaction.atomic
def end_partner(actor: User, partner: Partner, *, left_on: date) -> Partner:
    """Record that an organisation left. It stays on the record (memoranda and history name it)."""
    require(actor, partner.partnership_id, Perm.EDIT_PARTNERSHIP)
    _lock(partner.partnership)
    locked = fresh(Partner.objects.select_related("organisation"), partner)
    if locked.left_on is not None:
        raise ValidationError(
            {"left_on": f"{locked.organisation.name} already left on {_day(locked.left_on)}. Change the date instead."}
        )
    if left_on is None:
        raise ValidationError({"left_on": "Enter the date they left"})
    changes = _apply(locked, {"left_on": left_on}, ["left_on"])
    locked.revision += 1
    locked.save(update_fields=["left_on", "revision"])
    record(
        actor,
        "partner.ended",
        locked,
        changes=changes,
        summary=f"Recorded that {locked.organisation.name} left the partnership on {_day(left_on)}",
        partnership_id=locked.partnership_id,
        organisation_id=locked.organisation_id,
    )
    return locked


# --- Aims, outcomes and responsibilities -------------------------------------------------------


@transaction.atomic
def add_aim(actor: User, partnership: Partnership, *, data: dict) -> Aim:
    require(actor, partnership, Perm.EDIT_PARTNERSHIP)
    locked = _lock(partnership)
    last = Aim.objects.filter(partnership=locked).aggregate(last=Max("position"))["last"]
    aim = Aim(partnership=locked, position=0 if last is None else last + 1)
    changes = _apply(aim, data, AIM_FIELDS)
    aim.save()
    record(
        actor,
        "aim.added",
        aim,
        changes=changes,
        summary=f"Added the aim “{aim.title}”",
        partnership_id=locked.pk,
    )
    return aim


@transaction.atomic
def update_aim(actor: User, aim: Aim, *, data: dict, base_revision) -> Aim:
    require(actor, aim.partnership_id, Perm.EDIT_PARTNERSHIP)
    locked = fresh(Aim.objects.select_for_update(), aim)
    refuse_stale(locked, base_revision)
    changes = _apply(locked, data, AIM_FIELDS)
    if changes:
        locked.revision += 1
        locked.save()
        record(
            actor,
            "aim.updated",
            locked,
            changes=changes,
            summary=f"Changed the {_labels(Aim, changes)} of the aim “{locked.title}”",
            partnership_id=locked.partnership_id,
        )
    return locked


@transaction.atomic
def delete_aim(actor: User, aim: Aim) -> None:
    require(actor, aim.partnership_id, Perm.EDIT_PARTNERSHIP)
    aim = fresh(Aim.objects.select_for_update(), aim)
    outcomes = aim.outcomes.count()
    record(
        actor,
        "aim.deleted",
        aim,
        changes={"title": [aim.title, None]},
        summary=f"Removed the aim “{aim.title}”" + (f" and its {outcomes} outcome(s)" if outcomes else ""),
        partnership_id=aim.partnership_id,
    )
    aim.delete()


def _set_responsibilities(outcome: Outcome, responsibilities: dict[int, str]) -> dict:
    """Write each partner's responsibility (empty text removes it); return the changes."""
    partners = {p.pk: p for p in Partner.objects.filter(partnership_id=outcome.aim.partnership_id)}
    unknown = set(responsibilities) - set(partners)
    if unknown:
        raise ValidationError("A responsibility was given for an organisation that is not a partner here.")
    existing = {r.partner_id: r for r in outcome.responsibilities.all()}
    changes = {}
    for partner_id, text in responsibilities.items():
        text = (text or "").strip()
        current = existing.get(partner_id)
        old = current.responsibility if current else ""
        if text == old:
            continue
        name = partners[partner_id].organisation.name
        if not text:
            current.delete()
        elif current:
            current.responsibility = text
            current.full_clean()
            current.save()
        else:
            added = OutcomeResponsibility(outcome=outcome, partner=partners[partner_id], responsibility=text)
            added.full_clean()
            added.save()
        changes[f"responsibility of {name}"] = [old or None, text or None]
    return changes


@transaction.atomic
def add_outcome(actor: User, aim: Aim, *, data: dict, responsibilities: dict[int, str] | None = None) -> Outcome:
    require(actor, aim.partnership_id, Perm.EDIT_PARTNERSHIP)
    outcome = Outcome(aim=aim)
    changes = _apply(outcome, data, OUTCOME_FIELDS)
    outcome.save()
    changes.update(_set_responsibilities(outcome, responsibilities or {}))
    record(
        actor,
        "outcome.added",
        outcome,
        changes=changes,
        summary=f"Added the outcome “{outcome.description}” to the aim “{aim.title}”",
        partnership_id=aim.partnership_id,
    )
    return outcome


@transaction.atomic
def update_outcome(
    actor: User, outcome: Outcome, *, data: dict, base_revision, responsibilities: dict[int, str] | None = None
) -> Outcome:
    require(actor, outcome.aim.partnership_id, Perm.EDIT_PARTNERSHIP)
    locked = fresh(Outcome.objects.select_for_update().select_related("aim"), outcome)
    refuse_stale(locked, base_revision)
    changes = _apply(locked, data, OUTCOME_FIELDS)
    changes.update(_set_responsibilities(locked, responsibilities or {}))
    if changes:
        # The partners' responsibilities are part of the outcome: changing one is a new revision too.
        locked.revision += 1
        locked.save()
        record(
            actor,
            "outcome.updated",
            locked,
            changes=changes,
            summary=f"Changed the outcome “{locked.description}”",
            partnership_id=locked.aim.partnership_id,
        )
    return locked


@transaction.atomic
def delete_outcome(actor: User, outcome: Outcome) -> None:
    require(actor, outcome.aim.partnership_id, Perm.EDIT_PARTNERSHIP)
    outcome = fresh(Outcome.objects.select_for_update().select_related("aim"), outcome)
    record(
        actor,
        "outcome.deleted",
        outcome,
        changes={"description": [outcome.description, None]},
        summary=f"Removed the outcome “{outcome.description}” from the aim “{outcome.aim.title}”",
        partnership_id=outcome.aim.partnership_id,
    )
    outcome.delete()


# --- Governance ---------------------------------------------------------------------------------


def _check_group(group: GovernanceGroup) -> None:
    group.name = _one_line(group.name)
    clash = (
        GovernanceGroup.objects.filter(partnership_id=group.partnership_id, name__iexact=group.name)
        .exclude(pk=group.pk)
        .exists()
    )
    if clash:
        raise ValidationError({"name": f"There is already a group called {group.name} in this partnership."})
    if (
        group.chair_organisation_id
        and not Partner.objects.filter(
            partnership_id=group.partnership_id, organisation_id=group.chair_organisation_id
        ).exists()
    ):
        raise ValidationError({"chair_organisation": "Choose one of the partnership's partner organisations"})


@transaction.atomic
def add_group(actor: User, partnership: Partnership, *, data: dict) -> GovernanceGroup:
    require(actor, partnership, Perm.EDIT_PARTNERSHIP)
    locked = _lock(partnership)
    group = GovernanceGroup(partnership=locked)
    _apply(group, data, GROUP_FIELDS, _check_group)
    _save(group, {"name": "A group with this name was added meanwhile."})
    record(
        actor,
        "group.added",
        group,
        changes=_new(group, GROUP_FIELDS),
        summary=f"Added the {group.get_kind_display().lower()} “{group.name}”",
        partnership_id=locked.pk,
    )
    return group


@transaction.atomic
def update_group(actor: User, group: GovernanceGroup, *, data: dict, base_revision) -> GovernanceGroup:
    require(actor, group.partnership_id, Perm.EDIT_PARTNERSHIP)
    locked = fresh(GovernanceGroup.objects.select_for_update(), group)
    refuse_stale(locked, base_revision)
    changes = _apply(locked, data, GROUP_FIELDS, _check_group)
    if changes:
        locked.revision += 1
        _save(locked, {"name": "A group with this name was added meanwhile."})
        record(
            actor,
            "group.updated",
            locked,
            changes=changes,
            summary=f"Changed the {_labels(GovernanceGroup, changes)} of “{locked.name}”",
            partnership_id=locked.partnership_id,
        )
    return locked


@transaction.atomic
def record_meeting(actor: User, group: GovernanceGroup, *, data: dict) -> Meeting:
    require(actor, group.partnership_id, Perm.RECORD_MEETING)
    meeting = Meeting(group=group)
    changes = _apply(meeting, data, MEETING_FIELDS)
    meeting.save()
    record(
        actor,
        "meeting.recorded",
        meeting,
        changes=changes,
        summary=f"Recorded the {group.name} meeting of {_day(meeting.held_on)}",
        partnership_id=group.partnership_id,
    )
    return meeting


@transaction.atomic
def update_meeting(actor: User, meeting: Meeting, *, data: dict, base_revision) -> Meeting:
    require(actor, meeting.group.partnership_id, Perm.RECORD_MEETING)
    locked = fresh(Meeting.objects.select_for_update().select_related("group"), meeting)
    refuse_stale(locked, base_revision)
    changes = _apply(locked, data, MEETING_FIELDS)
    if changes:
        locked.revision += 1
        locked.save()
        record(
            actor,
            "meeting.updated",
            locked,
            changes=changes,
            summary=f"Changed the {_labels(Meeting, changes)} of the {locked.group.name} meeting of "
            f"{_day(locked.held_on)}",
            partnership_id=locked.group.partnership_id,
        )
    return locked


# --- Memberships and invitations ------------------------------------------------------------------


def _check_represents(partnership: Partnership, role: str, organisation: Organisation | None) -> None:
    """A signatory signs for one current partner organisation; anyone else may name the partner
    they come from, which must be a partner here."""
    if role == Role.SIGNATORY and organisation is None:
        raise ValidationError({"organisation": "Choose the partner organisation this signatory signs for"})
    if organisation is None:
        return
    if role == Role.SIGNATORY and not _is_current_partner(partnership, organisation):
        raise ValidationError(
            {
                "organisation": f"{organisation.name} is not a current partner in this partnership, so nobody can "
                "sign for it here. Choose a current partner, or add the organisation as a partner first."
            }
        )
    if not Partner.objects.filter(partnership=partnership, organisation=organisation).exists():
        raise ValidationError({"organisation": f"{organisation.name} is not a partner in this partnership"})


def _refuse_losing_the_last_lead(membership: Membership, new_role: str | None) -> None:
    if membership.role != Role.LEAD or new_role == Role.LEAD:
        return
    others = Membership.objects.filter(partnership_id=membership.partnership_id, role=Role.LEAD).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ValidationError(
            f"{membership.user} is the only partnership lead. Make someone else a lead first, then try again."
        )


def _invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse("invitation_accept", kwargs={"uidb64": uid, "token": token}))


def _send_invitation(user: User, partnership: Partnership, membership: Membership, actor: User) -> None:
    """Queued in the transaction (portal.mail.send_now): the invitation goes for certain once the
    membership is saved, and a mail outage delays it (the job retries) rather than failing the page."""
    context = {
        "user": user,
        "partnership": partnership,
        "membership": membership,
        "inviter": actor,
        "link": _invitation_link(user),
        "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
        "login_url": absolute_url(reverse("login")),
    }
    send_now("partnerships/email/invitation", context, [user])


@dataclass
class Invitation:
    membership: Membership
    new_account: bool  # an account was created and an invitation e-mail sent
    resent: bool = False  # they had been invited before and not yet set a password: e-mail sent again


@transaction.atomic
def invite_member(
    actor: User,
    partnership: Partnership,
    *,
    email: str,
    full_name: str = "",
    role: str = Role.MEMBER,
    organisation: Organisation | None = None,
    job_title: str = "",
) -> Invitation:
    """Add a person to the partnership by e-mail. Someone new gets an account with no password and
    an e-mail with a link to set one; someone who already has an account is simply added."""
    require(actor, partnership, Perm.MANAGE_MEMBERS)
    locked = _lock(partnership)
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise ValidationError({"email": "Enter their email address"})
    user = User.objects.filter(email=email).first()
    existing = Membership.objects.filter(user=user, partnership=locked).first() if user else None
    if existing is not None:
        if not user.has_usable_password():
            _send_invitation(user, locked, existing, actor)
            record(
                actor,
                "membership.invitation_resent",
                existing,
                summary=f"Sent the invitation to {user.full_name} ({email}) again",
                partnership_id=locked.pk,
            )
            return Invitation(existing, new_account=False, resent=True)
        raise ValidationError({"email": f"{email} is already a member of this partnership. Change their role instead."})
    _check_represents(locked, role, organisation)
    new_account = user is None
    if new_account:
        full_name = _one_line(full_name)
        if not full_name:
            raise ValidationError({"full_name": "Enter their full name: they do not have an account yet"})
        user = User(email=email, full_name=full_name, job_title=(job_title or "").strip())
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        _save(user, {"email": f"An account for {email} was created meanwhile. Try again."})
    membership = Membership(user=user, partnership=locked, role=role, organisation=organisation)
    _assign(membership, {"job_title": job_title}, ["job_title"])
    membership.full_clean(validate_constraints=False)
    _save(membership, {"email": f"{email} was added meanwhile."})
    represents = f" for {organisation.name}" if organisation else ""
    record(
        actor,
        "membership.added",
        membership,
        changes=_new(membership, MEMBERSHIP_FIELDS),
        summary=(
            f"{'Invited' if new_account else 'Added'} {user.full_name} ({email}) as "
            f"{membership.get_role_display().lower()}{represents}"
        ),
        partnership_id=locked.pk,
    )
    if new_account:
        _send_invitation(user, locked, membership, actor)
    forget_memberships(user)
    return Invitation(membership, new_account=new_account)


@transaction.atomic
def change_membership(actor: User, membership: Membership, *, data: dict, base_revision) -> Membership:
    require(actor, membership.partnership_id, Perm.MANAGE_MEMBERS)
    partnership = _lock(membership.partnership)
    locked = fresh(Membership.objects.select_related("user", "organisation"), membership)
    refuse_stale(locked, base_revision)
    _refuse_losing_the_last_lead(locked, data.get("role", locked.role))
    changes = _apply(locked, data, MEMBERSHIP_FIELDS, lambda m: _check_represents(partnership, m.role, m.organisation))
    if not changes:
        return locked
    locked.revision += 1
    locked.save()
    if "role" in changes:
        summary = (
            f"Changed {locked.user.full_name}'s role from {Role(changes['role'][0]).label.lower()} to "
            f"{locked.get_role_display().lower()}"
        )
    else:
        summary = f"Changed the {_labels(Membership, changes)} of {locked.user.full_name}"
    record(actor, "membership.changed", locked, changes=changes, summary=summary, partnership_id=partnership.pk)
    forget_memberships(locked.user)
    return locked


@transaction.atomic
def remove_membership(actor: User, membership: Membership) -> None:
    require(actor, membership.partnership_id, Perm.MANAGE_MEMBERS)
    partnership = _lock(membership.partnership)
    locked = fresh(Membership.objects.select_related("user"), membership)
    _refuse_losing_the_last_lead(locked, None)
    record(
        actor,
        "membership.removed",
        locked,
        changes={"role": [locked.role, None]},
        summary=f"Removed {locked.user.full_name} ({locked.get_role_display().lower()}) from the partnership",
        partnership_id=partnership.pk,
    )
    locked.delete()
    forget_memberships(locked.user)
