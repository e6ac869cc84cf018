"""The one access-control mechanism for everything inside a partnership.

* Visibility: `Model.objects.visible_to(user)` (PartnershipQuerySet / ScopedQuerySet). An object
  outside the user's partnerships does not exist for them: views answer 404.
* Actions: each action names the roles allowed in PERMISSIONS. `can()` answers, `require()`
  raises PermissionDenied (403) for a member whose role does not allow it. Services call
  `require()` themselves, so a state change is checked even when no view is involved.

A user's memberships are loaded once per user object and cached on it (partnerships.models),
so checks cost no queries after the first.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from partnerships.models import (  # noqa: F401 (the membership cache is part of this module's interface)
    Membership,
    Organisation,
    Partner,
    Partnership,
    Role,
    forget_memberships,
    membership_of,
    memberships,
    remember_memberships,
)


class Perm(StrEnum):
    VIEW = "view"
    COMMENT = "comment"
    EDIT_PARTNERSHIP = "edit_partnership"
    MANAGE_MEMBERS = "manage_members"
    DRAFT_MEMORANDUM = "draft_memorandum"
    SIGN_MEMORANDUM = "sign_memorandum"
    RUN_HEALTH_CHECK = "run_health_check"
    SIGN_OFF_HEALTH_CHECK = "sign_off_health_check"
    MANAGE_PLACEMENTS = "manage_placements"
    EXPORT_STUDENTS = "export_students"
    RECORD_MEETING = "record_meeting"


ALL_ROLES = frozenset(Role)

PERMISSIONS: dict[Perm, frozenset[str]] = {
    Perm.VIEW: ALL_ROLES,
    Perm.COMMENT: ALL_ROLES,
    Perm.EDIT_PARTNERSHIP: frozenset({Role.LEAD}),
    Perm.MANAGE_MEMBERS: frozenset({Role.LEAD}),
    Perm.DRAFT_MEMORANDUM: frozenset({Role.LEAD}),
    # Signing is also limited to the signatory's own organisation; memoranda checks that.
    Perm.SIGN_MEMORANDUM: frozenset({Role.SIGNATORY}),
    Perm.RUN_HEALTH_CHECK: frozenset({Role.COORDINATOR, Role.LEAD}),
    Perm.SIGN_OFF_HEALTH_CHECK: frozenset({Role.SIGNATORY}),
    Perm.MANAGE_PLACEMENTS: frozenset({Role.COORDINATOR, Role.LEAD}),
    # Downloading students' rows (references, names) is for those who arrange placements; other
    # members, service user and carer representatives among them, read the lists and figures.
    Perm.EXPORT_STUDENTS: frozenset({Role.COORDINATOR, Role.LEAD}),
    # Coordinators often take the minutes of governance meetings.
    Perm.RECORD_MEETING: frozenset({Role.COORDINATOR, Role.LEAD}),
}

# Actions a site administrator may take without being a member. Signing is personal: it
# needs a real signatory membership, so it is not here.
ADMIN_PERMS = frozenset(PERMISSIONS) - {Perm.SIGN_MEMORANDUM, Perm.SIGN_OFF_HEALTH_CHECK}


def partnership_ids_with_role(user, *roles: str) -> list[int]:
    """The partnerships in which this user holds one of `roles` (from the cached memberships)."""
    return [m.partnership_id for m in memberships(user) if m.role in roles]


def can(user, partnership: Partnership | int, perm: Perm) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    membership = membership_of(user, partnership)
    if membership and membership.role in PERMISSIONS[perm]:
        return True
    return user.is_site_admin and perm in ADMIN_PERMS


def can_see(user, partnership: Partnership | int) -> bool:
    return membership_of(user, partnership) is not None or (
        getattr(user, "is_authenticated", False) and user.is_active and user.is_site_admin
    )


def require(user, partnership: Partnership | int, perm: Perm) -> None:
    """Raise Http404 for a non-member and PermissionDenied for a member without the role."""
    if not can_see(user, partnership):
        raise Http404("No such partnership")
    if not can(user, partnership, perm):
        raise PermissionDenied(f"Only {roles_label(perm)} can do this.")


def partnership_or_404(user, slug: str, perm: Perm = Perm.VIEW) -> Partnership:
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
    queryset: QuerySet, user, perm: Perm = Perm.VIEW, partnership_attr: str = "partnership_id", **lookup
) -> Model:
    """An object from a ScopedQuerySet: 404 when outside the user's partnerships, 403 when their
    role does not allow `perm`. `partnership_attr` is the dotted attribute path to the partnership
    or its id (for example "aim.partnership_id")."""
    try:
        obj = queryset.visible_to(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404(f"No such {queryset.model._meta.verbose_name}") from None
    partnership = obj
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


def roles_label(perm: Perm) -> str:
    """Who may do this, in words, for messages such as "Only partnership leads can ..."."""
    labels = [ROLE_PLURALS[Role(r)] for r in Role if r in PERMISSIONS[perm]]
    if perm in ADMIN_PERMS:
        labels.append("site administrators")
    return ", ".join(labels[:-1]) + " and " + labels[-1] if len(labels) > 1 else labels[0]
