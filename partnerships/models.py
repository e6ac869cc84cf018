"""Organisations, partnerships, partners, memberships, joint aims and governance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    from partnerships.governance import MeetingDue, Progress  # governance imports this module


class Region(models.TextChoices):
    NORTH_EAST = "north-east", "North East"
    NORTH_WEST = "north-west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east-midlands", "East Midlands"
    WEST_MIDLANDS = "west-midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"
    NATIONAL = "national", "National (England)"


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "local-authority", "Local authority"
    NHS_TRUST = "nhs-trust", "NHS trust"
    VOLUNTARY = "voluntary", "Voluntary organisation"
    PRIVATE = "private", "Private provider"
    INDEPENDENT = "independent", "Independent provider"
    UNIVERSITY = "university", "University (HEI)"
    SERVICE_USER_GROUP = "service-user-group", "Service user and carer group"
    OTHER = "other", "Other"


EMPLOYER_KINDS = {
    OrganisationKind.LOCAL_AUTHORITY,
    OrganisationKind.NHS_TRUST,
    OrganisationKind.VOLUNTARY,
    OrganisationKind.PRIVATE,
    OrganisationKind.INDEPENDENT,
}


class LocalAuthorityServices(models.TextChoices):
    CHILDREN = "children", "Children's services"
    ADULTS = "adults", "Adults' services"
    BOTH = "both", "Children's and adults' services"


# Official identifiers. A GSS code (ONS Government Statistical Service) is a letter for the
# country (E, W, S, N) and eight digits, e.g. E09000005 for Brent; DfE's open data names local
# authorities by it (new_la_code). A UKPRN (UK Register of Learning Providers) is eight digits
# starting with 1.
GSS_CODE = RegexValidator(
    r"^[EWSN]\d{8}\Z", "Enter a GSS code as a letter (E, W, S or N) and 8 digits, for example E09000005"
)
UKPRN = RegexValidator(r"^1\d{7}\Z", "Enter a UKPRN as 8 digits starting with 1")


class OrganisationQuerySet(models.QuerySet):
    def employers(self):
        return self.filter(kind__in=EMPLOYER_KINDS)

    def universities(self):
        return self.filter(kind=OrganisationKind.UNIVERSITY)


class Organisation(models.Model):
    """An employer, university or service user and carer group. It may belong to several
    partnerships; organisations are shared across the site and kept by site administrators
    and partnership leads."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    la_services = models.CharField(
        "local authority services",
        max_length=20,
        choices=LocalAuthorityServices.choices,
        blank=True,
        help_text="For local authorities: which social work services take part.",
    )
    region = models.CharField(max_length=20, choices=Region.choices)
    website = models.URLField(blank=True, max_length=300)
    address = models.TextField(blank=True, max_length=1000)
    contact_name = models.CharField("main contact name", max_length=150, blank=True)
    contact_email = models.EmailField("main contact email", blank=True)
    contact_phone = models.CharField("main contact telephone", max_length=40, blank=True)
    gss_code = models.CharField(
        "GSS code",
        max_length=9,
        blank=True,
        validators=[GSS_CODE],
        help_text="For local authorities: the ONS code, a letter and 8 digits (for example E09000005).",
    )
    ukprn = models.CharField(
        "UKPRN",
        max_length=8,
        blank=True,
        validators=[UKPRN],
        help_text="For universities: the UK provider reference number, 8 digits starting with 1.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Incremented on every edit; a save based on an older revision is refused (no lost updates).
    revision = models.PositiveIntegerField(default=1)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
            models.UniqueConstraint(fields=["gss_code"], condition=~Q(gss_code=""), name="organisation_gss_unique"),
            models.UniqueConstraint(fields=["ukprn"], condition=~Q(ukprn=""), name="organisation_ukprn_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:organisation_detail", args=[self.pk])

    def clean(self):
        if self.la_services and self.kind != OrganisationKind.LOCAL_AUTHORITY:
            raise ValidationError(
                {"la_services": "Only local authorities have children's or adults' services: leave this empty"}
            )
        if self.gss_code and self.kind != OrganisationKind.LOCAL_AUTHORITY:
            raise ValidationError({"gss_code": "Only local authorities have a GSS code: leave this empty"})
        if self.ukprn and self.kind != OrganisationKind.UNIVERSITY:
            raise ValidationError({"ukprn": "Only universities have a UKPRN here: leave this empty"})

    @property
    def is_employer(self) -> bool:
        return self.kind in EMPLOYER_KINDS

    @property
    def is_university(self) -> bool:
        return self.kind == OrganisationKind.UNIVERSITY


class PartnershipStatus(models.TextChoices):
    FORMING = "forming", "Forming"
    ACTIVE = "active", "Active"
    SUSTAINING = "sustaining", "Sustaining"
    CLOSED = "closed", "Closed"


class Role(models.TextChoices):
    LEAD = "lead", "Partnership lead"
    SIGNATORY = "signatory", "Signatory (senior manager)"
    COORDINATOR = "coordinator", "Coordinator"
    MEMBER = "member", "Member"


def member_partnership_ids(user) -> list[int]:
    """The partnerships this (signed-in, active) user is a member of.

    The ids come from the per-request membership cache (loaded with the user, see
    partnerships.auth), so scoping costs no query of its own: a short constant list also plans
    faster than a subquery, and a person in no partnership gets `.none()` with no query at all."""
    return sorted(m.partnership_id for m in memberships(user))


_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M]):
    """The one scoping rule, for every model that belongs to a partnership: site administrators
    see all; others see what belongs to partnerships they hold a membership of. Subclasses set
    `partnership_field` to the lookup path to the partnership (default "partnership")."""

    partnership_field = "partnership"

    def visible_to(self, user) -> Self:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_site_admin:
            return self
        member_of = member_partnership_ids(user)
        if not member_of:
            return self.none()
        return self.filter(**{f"{self.partnership_field}__in": member_of})


class PartnershipQuerySet(ScopedQuerySet["Partnership"]):
    partnership_field = "id"


class Partnership(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    region = models.CharField(max_length=20, choices=Region.choices)
    description = models.TextField(blank=True, max_length=5000)
    established_on = models.DateField("established", null=True, blank=True)
    status = models.CharField(max_length=20, choices=PartnershipStatus.choices, default=PartnershipStatus.FORMING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Incremented on every edit of the partnership's own fields; a save based on an older
    # revision is refused (no lost updates).
    revision = models.PositiveIntegerField(default=1)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partnership_detail", args=[self.slug])

    @property
    def lead_partner(self) -> Partner | None:
        for partner in self.partners.all():
            if partner.level == PartnerLevel.LEAD and partner.is_current:
                return partner
        return None


class PartnerLevel(models.TextChoices):
    LEAD = "lead", "Lead partner"
    CORE = "core", "Core partner"
    ASSOCIATE = "associate", "Associate partner"


class Partner(models.Model):
    """An organisation's place in a partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partner_roles")
    level = models.CharField(max_length=20, choices=PartnerLevel.choices, default=PartnerLevel.CORE)
    joined_on = models.DateField("joined", null=True, blank=True)
    left_on = models.DateField("left", null=True, blank=True)
    contribution = models.TextField("what they contribute", blank=True, max_length=3000)
    # Incremented on every edit; a save based on an older revision is refused (no lost updates).
    revision = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["level", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="partner_once_per_partnership"),
            models.UniqueConstraint(
                fields=["partnership"], condition=Q(level="lead"), name="one_lead_partner_per_partnership"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="partner_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"

    def clean(self):
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": "The date they left must be the same as or after the date they joined"})

    @property
    def is_current(self) -> bool:
        return self.left_on is None or self.left_on > timezone.localdate()


class Membership(models.Model):
    """A user's role in one partnership. The role decides what they may do there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text="The partner organisation this person represents. Required for signatories.",
    )
    job_title = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Incremented on every edit; a save based on an older revision is refused (no lost updates).
    revision = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["partnership__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="one_membership_per_user_partnership"),
            models.CheckConstraint(
                condition=~Q(role="signatory") | Q(organisation__isnull=False),
                name="signatory_represents_an_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.partnership}"


# --- The per-user membership cache ----------------------------------------------------------
# Loaded once per user object (partnerships.auth fills it with the user), so scoping and
# permission checks (partnerships.access) cost no queries after the first.


def _memberships(user) -> dict[int, Membership]:
    cache = getattr(user, "_partnership_memberships", None)
    if cache is None:
        # The partnership comes along (one join) so dashboards can name it without another query.
        cache = {
            m.partnership_id: m
            for m in Membership.objects.filter(user=user).select_related("organisation", "partnership")
        }
        user._partnership_memberships = cache
    return cache


def memberships(user) -> list[Membership]:
    """This user's memberships (with organisation and partnership), from the per-user cache."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(_memberships(user).values())


def remember_memberships(user, loaded: list[Membership]) -> None:
    """Fill the per-user cache from memberships already loaded (see partnerships.auth)."""
    user._partnership_memberships = {m.partnership_id: m for m in loaded}


def forget_memberships(user) -> None:
    """Drop the per-user cache (after a membership of this user changes)."""
    if hasattr(user, "_partnership_memberships"):
        del user._partnership_memberships


def membership_of(user, partnership: Partnership | int) -> Membership | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    partnership_id = partnership if isinstance(partnership, int) else partnership.pk
    return _memberships(user).get(partnership_id)


class Aim(models.Model):
    """A joint aim the partners agree (principle 1)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="aims")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True, max_length=5000)
    position = models.PositiveIntegerField(default=0)
    # Incremented on every edit; a save based on an older revision is refused (no lost updates).
    revision = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class OutcomeQuerySet(ScopedQuerySet["Outcome"]):
    partnership_field = "aim__partnership"


class Outcome(models.Model):
    aim = models.ForeignKey(Aim, on_delete=models.CASCADE, related_name="outcomes")
    description = models.CharField(max_length=500)
    measure = models.CharField(max_length=300, blank=True, help_text="How progress is measured.")
    target = models.CharField(max_length=300, blank=True)
    # The target as a number, so measured values can be rated against it (partnerships/governance.py).
    target_value = models.FloatField("target figure", null=True, blank=True)
    higher_is_better = models.BooleanField("higher is better", default=True)
    evaluation = models.TextField("how it is evaluated", blank=True, max_length=3000)
    # Incremented on every edit; a save based on an older revision is refused (no lost updates).
    revision = models.PositiveIntegerField(default=1)

    objects = OutcomeQuerySet.as_manager()

    # Not columns: partnerships.selectors sets them on the outcomes a page shows.
    progress: Progress
    latest_measurement: Measurement | None

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class MeasurementQuerySet(ScopedQuerySet["Measurement"]):
    partnership_field = "outcome__aim__partnership"


class Measurement(models.Model):
    """One measured value of an outcome on a date, so progress can be followed against its target."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField("date measured")
    value = models.FloatField("value")
    note = models.CharField(max_length=500, blank=True, help_text="Where the figure comes from, or what it covers.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["measured_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "measured_on"], name="one_measurement_per_outcome_day"),
        ]

    def __str__(self) -> str:
        return f"{self.value:g} on {self.measured_on:%d %B %Y}"


class OutcomeResponsibility(models.Model):
    """What one partner does towards an outcome."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="responsibilities")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="responsibilities")
    responsibility = models.TextField(max_length=2000)

    class Meta:
        ordering = ["partner__organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "partner"], name="one_responsibility_per_partner_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.partner.organisation}: {self.responsibility[:60]}"


class GroupKind(models.TextChoices):
    BOARD = "board", "Board"
    STEERING = "steering", "Steering group"
    OPERATIONAL = "operational", "Operational group"
    SUB_GROUP = "sub-group", "Sub-group"
    FORUM = "forum", "Forum"
    PANEL = "panel", "Panel"


class MeetingFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    BIMONTHLY = "bimonthly", "Every two months"
    QUARTERLY = "quarterly", "Quarterly"
    TWICE_YEARLY = "twice-yearly", "Twice a year"
    ANNUALLY = "annually", "Annually"
    AS_NEEDED = "as-needed", "As needed"


class GovernanceGroup(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=GroupKind.choices)
    purpose = models.TextField(blank=True, max_length=3000)
    frequency = models.CharField("meets", max_length=20, choices=MeetingFrequency.choices)
    chair = models.CharField("chaired by", max_length=200, blank=True, help_text="Name and role of the chair.")
    chair_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Incremented on every edit; a save based on an older revision is refused (no lost updates).
    revision = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    # Not a column: partnerships.selectors sets it on the groups a page shows.
    meeting_due: MeetingDue

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="group_name_unique_in_partnership"),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingQuerySet(ScopedQuerySet["Meeting"]):
    partnership_field = "group__partnership"


class Meeting(models.Model):
    group = models.ForeignKey(GovernanceGroup, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("date")
    attendees = models.TextField(blank=True, max_length=3000)
    decisions = models.TextField(blank=True, max_length=10000)
    notes = models.TextField(blank=True, max_length=10000)
    # Incremented on every edit; a save based on an older revision is refused (no lost updates).
    revision = models.PositiveIntegerField(default=1)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.group} on {self.held_on:%d %B %Y}"


# --- Actions with an owner and a due date ---------------------------------------------------------
# One mechanism for every "who does what by when" in a partnership: health checks' action plans
# (healthcheck.models.Action) and governance decisions (DecisionAction) build on OwnedAction, so
# statuses, "overdue", the owner rule and completion dates mean the same everywhere.


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class OwnedActionQuerySetMixin:
    def open(self):
        return self.exclude(status=ActionStatus.DONE)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)


class OwnedAction(models.Model):
    """Something to do, by someone (the subclass's `owner`, a member of the partnership), by a date."""

    description = models.TextField("what needs to happen", max_length=1000)
    due_on = models.DateField("due")
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    owner_id: int  # each subclass declares `owner` with its own reverse name

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.description[:80]

    def is_overdue(self, today=None) -> bool:
        return self.status != ActionStatus.DONE and self.due_on < (today or timezone.localdate())

    def set_status(self, status: str, today) -> None:
        """The status, with the day it was done (cleared again if it is reopened)."""
        self.status = status
        if status == ActionStatus.DONE and self.completed_on is None:
            self.completed_on = today
        elif status != ActionStatus.DONE:
            self.completed_on = None


def check_action_owner(partnership_id: int, owner) -> None:
    """An action's owner is a member of the partnership."""
    if not Membership.objects.filter(partnership_id=partnership_id, user=owner).exists():
        raise ValidationError({"owner": "Choose someone who is a member of this partnership"})


class DecisionActionQuerySet(OwnedActionQuerySetMixin, ScopedQuerySet["DecisionAction"]):
    partnership_field = "meeting__group__partnership"


class DecisionAction(OwnedAction):
    """An action a governance meeting decided on."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decision_actions")

    objects = DecisionActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="decision_action_owner_due")]
