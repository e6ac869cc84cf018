"""Forms for organisations, partnerships, partners, aims and outcomes, governance and people.

They check the shape of what was typed; the services check the rules (see ServiceModelForm).
"""

from __future__ import annotations

from typing import cast

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils import timezone

from partnerships.models import (
    ActionStatus,
    Aim,
    GovernanceGroup,
    Measurement,
    Meeting,
    Membership,
    Organisation,
    OrganisationKind,
    Outcome,
    Partner,
    Partnership,
    PartnershipStatus,
    Region,
    Role,
)
from portal.forms import NoNullCharsMixin, PortalForm, RevisionMixin, ServiceModelForm, date_field
from portal.models import User

SEARCH_MAX = 100


def _with_any(choices, label: str = "Any") -> list[tuple[str, str]]:
    return [("", label), *choices]


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- Organisations -----------------------------------------------------------------------------


class OrganisationForm(NoNullCharsMixin, RevisionMixin, ServiceModelForm):
    website = forms.URLField(
        label="Website address",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="For example, https://www.example.gov.uk",
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "la_services",
            "region",
            "website",
            "address",
            "contact_name",
            "contact_email",
            "contact_phone",
            "gss_code",
            "ukprn",
        ]
        labels = {"kind": "Kind of organisation"}
        widgets = {"address": _textarea(3)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["la_services"].choices = [("", "Not a local authority"), *self.fields["la_services"].choices[1:]]
        self.fields["name"].help_text = "The organisation's full public name, for example London Borough of Ealing"


class OrganisationFilterForm(PortalForm):
    q = forms.CharField(label="Name contains", required=False, max_length=SEARCH_MAX)
    kind = forms.ChoiceField(label="Kind", required=False, choices=_with_any(OrganisationKind.choices))
    region = forms.ChoiceField(label="Region", required=False, choices=_with_any(Region.choices))


# --- Partnerships ------------------------------------------------------------------------------


class PartnershipForm(NoNullCharsMixin, RevisionMixin, ServiceModelForm):
    established_on = date_field("Date established", required=False)

    class Meta:
        model = Partnership
        fields = ["name", "region", "status", "established_on", "description"]
        widgets = {"description": _textarea(5)}
        help_texts = {"description": "What the partnership is for and who is in it, in a few sentences."}


class PartnershipCreateForm(PartnershipForm):
    slug = forms.SlugField(
        label="Web address",
        required=False,
        max_length=72,
        help_text="The last part of the page address, for example west-london-alliance. Leave it empty to "
        "make one from the name. It cannot change later.",
    )
    lead_organisation = forms.ModelChoiceField(
        label="Lead partner",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Choose later",
        help_text="The organisation that leads the partnership. You can add the other partners afterwards.",
    )

    class Meta(PartnershipForm.Meta):
        fields = ["name", "slug", "region", "status", "established_on", "description"]


class PartnershipFilterForm(PortalForm):
    q = forms.CharField(label="Name contains", required=False, max_length=SEARCH_MAX)
    region = forms.ChoiceField(label="Region", required=False, choices=_with_any(Region.choices))
    status = forms.ChoiceField(label="Status", required=False, choices=_with_any(PartnershipStatus.choices))


class PeopleFilterForm(PortalForm):
    q = forms.CharField(label="Name or email contains", required=False, max_length=SEARCH_MAX)
    role = forms.ChoiceField(label="Role", required=False, choices=_with_any(Role.choices))


def filter_values(form: forms.Form) -> dict:
    """The filters that were given and valid; a bad value is ignored rather than failing the page."""
    form.is_valid()
    return {name: value for name, value in getattr(form, "cleaned_data", {}).items() if value}


# --- Partners ----------------------------------------------------------------------------------


class PartnerForm(NoNullCharsMixin, RevisionMixin, ServiceModelForm):
    joined_on = date_field("Date joined", required=False)
    left_on = date_field("Date left", required=False, help_text="Leave empty while they are a partner.")

    class Meta:
        model = Partner
        fields = ["organisation", "level", "joined_on", "left_on", "contribution"]
        widgets = {"contribution": _textarea(4)}
        help_texts = {
            "contribution": "For example: placements in children's and adults' teams, practice educators, teaching.",
            "level": "Associate partners take part with a lighter commitment.",
        }

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The organisation of an existing partner does not change: end it and add the other.
            del self.fields["organisation"]
        else:
            cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = Organisation.objects.exclude(
                partner_roles__partnership=partnership
            ).order_by("name")
            self.fields["organisation"].help_text = "If it is not in the list, register the organisation first."


class PartnerEndForm(PortalForm):
    left_on = date_field("Date they left")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["left_on"] = timezone.localdate()


# --- Aims and outcomes -------------------------------------------------------------------------


class AimForm(NoNullCharsMixin, RevisionMixin, ServiceModelForm):
    class Meta:
        model = Aim
        fields = ["title", "description"]
        labels = {"title": "Aim"}
        widgets = {"description": _textarea(4)}
        help_texts = {"title": "For example: Enough good placements for every student"}


class OutcomeForm(NoNullCharsMixin, RevisionMixin, ServiceModelForm):
    """An outcome with one responsibility box per current partner."""

    class Meta:
        model = Outcome
        fields = ["description", "measure", "target", "target_value", "higher_is_better", "evaluation"]
        labels = {"description": "Outcome"}
        widgets = {"evaluation": _textarea(3), "description": _textarea(2)}
        help_texts = {
            "description": "What will be different, for example: every student has a statutory placement",
            "target": "For example: 100% in every academic year",
            "target_value": "The target as a number (for example 100), so measured values can be rated against it",
            "higher_is_better": "Untick when a lower value is better (for example, placements that break down)",
            "evaluation": "Who checks progress, how and how often.",
        }

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        existing = (
            {r.partner_id: r.responsibility for r in self.instance.responsibilities.all()} if self.instance.pk else {}
        )
        partners = (
            Partner.objects.filter(partnership=partnership)
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=today) | Q(pk__in=list(existing)))
            .select_related("organisation")
            .order_by("organisation__name")
        )
        self.partner_fields = []
        for partner in partners:
            name = f"responsibility_{partner.pk}"
            self.fields[name] = forms.CharField(
                label=f"What {partner.organisation.name} does",
                required=False,
                max_length=2000,
                widget=_textarea(2),
            )
            self.partner_fields.append(name)
            if partner.pk in existing and not self.is_bound:
                self.initial[name] = existing[partner.pk]

    def saved_value(self, outcome: Outcome, name: str) -> str | None:
        """What a partner's responsibility box holds now (after a stale edit; see saved_meanwhile)."""
        if name not in self.partner_fields:
            return None
        partner_id = int(name.rsplit("_", 1)[1])
        return next((r.responsibility for r in outcome.responsibilities.all() if r.partner_id == partner_id), "")

    def responsibilities(self) -> dict[int, str]:
        return {int(name.rsplit("_", 1)[1]): self.cleaned_data.get(name, "") for name in self.partner_fields}


# --- Governance ---------------------------------------------------------------------------------


class GroupForm(NoNullCharsMixin, RevisionMixin, ServiceModelForm):
    class Meta:
        model = GovernanceGroup
        fields = ["name", "kind", "frequency", "chair", "chair_organisation", "purpose"]
        labels = {"kind": "Kind of group", "chair_organisation": "Chair's organisation"}
        widgets = {"purpose": _textarea(3)}
        help_texts = {"chair": "Their role, for example: Director of Children's Services"}

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        chair = cast(forms.ModelChoiceField, self.fields["chair_organisation"])
        chair.queryset = Organisation.objects.filter(partner_roles__partnership=partnership).order_by("name")
        chair.empty_label = "Not recorded"


class MeasurementForm(NoNullCharsMixin, PortalForm):
    """One measured value of an outcome (the service checks the rest: one a day)."""

    measured_on = date_field("Date measured")
    value = forms.FloatField(label="Value measured", help_text="A number, in the same units as the target figure.")
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=500,
        help_text=Measurement._meta.get_field("note").help_text,
    )


class OwnedActionForm(NoNullCharsMixin, PortalForm):
    """What needs to happen, who does it (a member of the partnership) and by when: the one form for
    every owner/due-date action (partnerships.models.OwnedAction), health checks' included."""

    description = forms.CharField(
        label="What needs to happen", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ModelChoiceField(label="Owner", queryset=User.objects.none(), empty_label="Choose a person")
    due_on = date_field("Due date", help_text="For example, 2027-03-31")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = "action-%s"
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.queryset = (
            User.objects.filter(memberships__partnership=partnership, is_active=True).distinct().order_by("full_name")
        )
        owner.label_from_instance = lambda u: f"{u.full_name} ({u.email})"


class OwnedActionUpdateForm(RevisionMixin, OwnedActionForm):
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect)
    # Where to return after saving (checked as a same-site address by the view).
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def __init__(self, *args, partnership, status_only: bool = False, **kwargs):
        super().__init__(*args, partnership=partnership, **kwargs)
        if status_only:  # the owner updates only the status
            for name in ("description", "owner", "due_on"):
                del self.fields[name]
            self.helper = FormHelper(self)
            self.helper.form_tag = False
            self.helper.disable_csrf = True


class MeetingForm(NoNullCharsMixin, RevisionMixin, ServiceModelForm):
    held_on = date_field("Date of the meeting")

    class Meta:
        model = Meeting
        fields = ["held_on", "attendees", "decisions", "notes"]
        widgets = {"attendees": _textarea(3), "decisions": _textarea(5), "notes": _textarea(5)}
        labels = {"attendees": "Who attended", "decisions": "Decisions", "notes": "Other notes"}
        help_texts = {
            "attendees": "Roles and organisations are enough, for example: assistant directors from five councils",
        }


# --- People ------------------------------------------------------------------------------------

ROLE_HINTS = {
    Role.LEAD: "Edits the partnership, its partners, aims and governance, and manages people",
    Role.SIGNATORY: "A senior manager who signs memoranda and signs off health checks for their organisation",
    Role.COORDINATOR: "Runs health checks, keeps placement data and records meetings",
    Role.MEMBER: "Reads everything in the partnership and comments on draft memoranda",
}


def _role_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Role",
        choices=[Choice(role.value, role.label, hint=ROLE_HINTS[role]) for role in Role],
        initial=Role.MEMBER,
        widget=forms.RadioSelect,
    )


def _organisation_field(partnership: Partnership) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Organisation they represent",
        queryset=Organisation.objects.filter(partner_roles__partnership=partnership).order_by("name"),
        required=False,
        empty_label="None",
        help_text="Required for signatories: the current partner they sign for.",
    )


class InviteForm(NoNullCharsMixin, PortalForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        required=False,
        help_text="Needed if they do not have an account yet.",
    )
    job_title = forms.CharField(label="Job title", max_length=150, required=False)

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field()
        self.fields["organisation"] = _organisation_field(partnership)
        self.order_fields(["email", "full_name", "role", "organisation", "job_title"])


class MembershipForm(NoNullCharsMixin, RevisionMixin, ServiceModelForm):
    class Meta:
        model = Membership
        fields = ["role", "organisation", "job_title"]

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field()
        self.fields["organisation"] = _organisation_field(partnership)
