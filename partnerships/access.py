"""The one access-control mechanism for everything inside a partnership.

* Visibility: `Model.objects.visible_to(user)` (PartnershipQuerySet / ScopedQuerySet). An object
  outside the user's partnerships does not exist for them: views answer 404.
* Actions: each app names its actions in a StrEnum and registers the roles allowed to take each
  (`register_permissions`; partnerships' own are `Perm` below, memoranda's in
  memoranda/permissions.py). `can()` answers, `require()` raises PermissionDenied (403) for a
  member whose role does not allow it. Services call `require()` themselves, so a state change
  is checked even when no view is involved.

A user's memberships are loaded once per user object and cached on it (partnerships.models),
so checks cost no queries after the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied
from django.db.models import Model
from django.http import Http404

from partnerships.models import (  # noqa: F401 (the membership cache is part of this module's interface)
    Membership,
    Organisation,
    Partner,
    Partnership,
    Role,
    ScopedQuerySet,
    forget_memberships,
    membership_of,
    memberships,
    remember_memberships,
)

_M = TypeVar("_M", bound=Model)

# --- Permissions: each app declares its own --------------------------------------------------
# An app names its actions in a StrEnum and registers the roles allowed to take each with
# `register_permissions` (memoranda/permissions.py is the example), so this module names no app
# built on it. A permission's value is unique across apps ("draft_memorandum").

_roles: dict[str, frozenset[str]] = {}
_personal: set[str] = set()  # actions a site administrator may not take without the role


def register_permissions(roles: Mapping[StrEnum, Iterable[str]], *, personal: Iterable[StrEnum] = ()) -> None:
    """Declare an app's actions and the roles allowed to take each. Site administrators may take
    every action except the `personal` ones (signing: it needs a real signatory membership)."""
    personal = set(personal)
    for perm, allowed in roles.items():
        allowed = frozenset(allowed)
        if _roles.get(perm, allowed) != allowed:
            raise ImproperlyConfigured(f"The permission {perm!r} is registered twice with different roles.")
        _roles[perm] = allowed
        if perm in personal:
            _personal.add(perm)


def roles_allowed(perm: StrEnum) -> frozenset[str]:
    try:
        return _roles[perm]
    except KeyError:
        raise ImproperlyConfigured(
            f"The permission {perm!r} is not registered: its app's permissions module registers it."
        ) from None


def admin_may(perm: StrEnum) -> bool:
    """Whether a site administrator may take this action without being a member."""
    return perm in _roles and perm not in _personal


class Perm(StrEnum):
    """What anyone in a partnership may do with the partnership itself."""

    VIEW = "view"
    COMMENT = "comment"
    EDIT_PARTNERSHIP = "edit_partnership"
    MANAGE_MEMBERS = "manage_members"
    # Coordinators often take the minutes of governance meetings.
    RECORD_MEETING = "record_meeting"


register_permissions(
    {
        Perm.VIEW: Role,
        Perm.COMMENT: Role,
        Perm.EDIT_PARTNERSHIP: {Role.LEAD},
        Perm.MANAGE_MEMBERS: {Role.LEAD},
        Perm.RECORD_MEETING: {Role.COORDINATOR, Role.LEAD},
    }
)


def partnership_ids_with_role(user, *roles: str) -> list[int]:
    """The partnerships in which this user holds one of `roles` (from the cached memberships)."""
    return [m.partnership_id for m in memberships(user) if m.role in roles]


def can(user, partnership: Partnership | int, perm: StrEnum) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    membership = membership_of(user, partnership)
    if membership and membership.role in roles_allowed(perm):
        return True
    return user.is_site_admin and admin_may(perm)


def can_see(user, partnership: Partnership | int) -> bool:
    return membership_of(user, partnership) is not None or (
        getattr(user, "is_authenticated", False) and user.is_active and user.is_site_admin
    )


def require(user, partnership: Partnership | int, perm: StrEnum) -> None:
    """Raise Http404 for a non-member and PermissionDenied for a member without the role."""
    if not can_see(user, partnership):
        raise Http404("No such partnership")
    if not can(user, partnership, perm):
        raise PermissionDenied(f"Only {roles_label(perm)} can do this.")


def partnership_or_404(user, slug: str, perm: StrEnum = Perm.VIEW) -> Partnership:
    """The partnership with this slug, if the user may see it and do `perm` there."""
    # A member's partnerships are already loaded with their memberships; only a site
    # administrator looking at a partnership they are not in needs a query.
    partnership = next((m.partnership for m in memberships(user) if m.partnership.slug == slug), None)
    if partnership is None:
        try:
            partnership = Partnership.objects.visible_to(user).get(slug=slug)
        except Partnership.DoesNotExist:
            raise Http404("No such partnership") from None
    require(user, partnership, perm)
    return partnership


def object_or_404(
    queryset: ScopedQuerySet[_M], user, perm: StrEnum = Perm.VIEW, partnership_attr: str = "partnership_id", **lookup
) -> _M:
    """An object from a ScopedQuerySet: 404 when outside the user's partnerships, 403 when their
    role does not allow `perm`. `partnership_attr` is the dotted attribute path to the partnership
    or its id (for example "aim.partnership_id")."""
    try:
        obj = queryset.visible_to(user).get(**lookup)
    except (ObjectDoesNotExist, ValueError):  # the model's DoesNotExist is an ObjectDoesNotExist
        raise Http404(f"No such {queryset.model._meta.verbose_name}") from None
    partnership: Any = obj  # each step of partnership_attr, ending at the partnership or its id
    for part in partnership_attr.split("."):
        partnership = getattr(partnership, part)
    require(user, partnership, perm)
    return obj


# --- Organisations ----------------------------------------------------------------------------
# Organisations are shared across partnerships, so they are not scoped by membership: every
# signed-in user may look them up. Changing them is for site administrators and partnership leads.


def can_add_organisation(user) -> bool:
    """Site administrators, and the lead of any partnership (to add a new partner)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_site_admin or bool(partnership_ids_with_role(user, Role.LEAD))


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """Site administrators, and leads of a partnership the organisation is (or was) a partner in."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_site_admin:
        return True
    led = partnership_ids_with_role(user, Role.LEAD)
    return bool(led) and Partner.objects.filter(organisation=organisation, partnership_id__in=led).exists()


def require_organisation_edit(user, organisation: Organisation | None = None) -> None:
    """PermissionDenied unless the user may add (organisation None) or edit this organisation."""
    allowed = can_add_organisation(user) if organisation is None else can_edit_organisation(user, organisation)
    if not allowed:
        raise PermissionDenied(
            "Only site administrators and partnership leads can add organisations."
            if organisation is None
            else "Only site administrators and leads of a partnership this organisation belongs to can change it."
        )


ROLE_PLURALS = {
    Role.LEAD: "partnership leads",
    Role.SIGNATORY: "signatories",
    Role.COORDINATOR: "coordinators",
    Role.MEMBER: "members",
}


def roles_label(perm: StrEnum) -> str:
    """Who may do this, in words, for messages such as "Only partnership leads can ..."."""
    allowed = roles_allowed(perm)
    labels = [ROLE_PLURALS[r] for r in Role if r in allowed]
    if admin_may(perm):
        labels.append("site administrators")
    return ", ".join(labels[:-1]) + " and " + labels[-1] if len(labels) > 1 else labels[0]
