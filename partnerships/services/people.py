"""Who is in a partnership: inviting people by e-mail, changing their role, removing them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from partnerships.access import Perm, forget_memberships, require
from partnerships.actions import Action
from partnerships.models import Membership, Organisation, Partner, Partnership, Role
from partnerships.services.common import (
    apply,
    as_new,
    assign,
    is_current_partner,
    labels,
    lock,
    one_line,
    save_or_refuse,
)
from portal.audit import record
from portal.concurrency import fresh, refuse_stale
from portal.links import absolute_url
from portal.mail import send_now
from portal.models import User

logger = logging.getLogger(__name__)

MEMBERSHIP_FIELDS = ["role", "organisation", "job_title"]


def _check_represents(partnership: Partnership, role: str, organisation: Organisation | None) -> None:
    """A signatory signs for one current partner organisation; anyone else may name the partner
    they come from, which must be a partner here."""
    if role == Role.SIGNATORY and organisation is None:
        raise ValidationError({"organisation": "Choose the partner organisation this signatory signs for"})
    if organisation is None:
        return
    if role == Role.SIGNATORY and not is_current_partner(partnership, organisation):
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
    locked = lock(partnership)
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise ValidationError({"email": "Enter their email address"})
    user = User.objects.filter(email=email).first()
    existing = Membership.objects.filter(user=user, partnership=locked).first() if user else None
    if user is not None and existing is not None:
        if not user.has_usable_password():
            _send_invitation(user, locked, existing, actor)
            record(
                actor,
                Action.MEMBERSHIP_INVITATION_RESENT,
                existing,
                summary=f"Sent the invitation to {user.full_name} ({email}) again",
                partnership_id=locked.pk,
            )
            return Invitation(existing, new_account=False, resent=True)
        raise ValidationError({"email": f"{email} is already a member of this partnership. Change their role instead."})
    _check_represents(locked, role, organisation)
    new_account = user is None
    if user is None:
        full_name = one_line(full_name)
        if not full_name:
            raise ValidationError({"full_name": "Enter their full name: they do not have an account yet"})
        user = User(email=email, full_name=full_name, job_title=(job_title or "").strip())
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        save_or_refuse(user, {"email": f"An account for {email} was created meanwhile. Try again."})
    membership = Membership(user=user, partnership=locked, role=role, organisation=organisation)
    assign(membership, {"job_title": job_title}, ["job_title"])
    membership.full_clean(validate_constraints=False)
    save_or_refuse(membership, {"email": f"{email} was added meanwhile."})
    represents = f" for {organisation.name}" if organisation else ""
    record(
        actor,
        Action.MEMBERSHIP_ADDED,
        membership,
        changes=as_new(membership, MEMBERSHIP_FIELDS),
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
    partnership = lock(membership.partnership)
    locked = fresh(Membership.objects.select_related("user", "organisation"), membership)
    refuse_stale(locked, base_revision)
    _refuse_losing_the_last_lead(locked, data.get("role", locked.role))
    changes = apply(locked, data, MEMBERSHIP_FIELDS, lambda m: _check_represents(partnership, m.role, m.organisation))
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
        summary = f"Changed the {labels(Membership, changes)} of {locked.user.full_name}"
    record(actor, Action.MEMBERSHIP_CHANGED, locked, changes=changes, summary=summary, partnership_id=partnership.pk)
    forget_memberships(locked.user)
    return locked


@transaction.atomic
def remove_membership(actor: User, membership: Membership) -> None:
    require(actor, membership.partnership_id, Perm.MANAGE_MEMBERS)
    partnership = lock(membership.partnership)
    locked = fresh(Membership.objects.select_related("user"), membership)
    _refuse_losing_the_last_lead(locked, None)
    record(
        actor,
        Action.MEMBERSHIP_REMOVED,
        locked,
        changes={"role": [locked.role, None]},
        summary=f"Removed {locked.user.full_name} ({locked.get_role_display().lower()}) from the partnership",
        partnership_id=partnership.pk,
    )
    locked.delete()
    forget_memberships(locked.user)
