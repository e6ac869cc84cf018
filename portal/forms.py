"""Form base classes: every form renders with the GOV.UK template pack and keeps input on error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from portal.date_input import GovUKDateField, as_date_input
from portal.dates import EARLIEST_DATE, LATEST_DATE
from portal.exceptions import StaleEdit
from portal.reauth import TooManyAttempts, confirm_password

T = TypeVar("T")


class DateInRange:
    """A validator for date fields: a clear message naming the field, instead of an error page
    from a later calculation or a record dated in year 1."""

    def __init__(self, label: str):
        self.label = label

    def __call__(self, value):
        if value is not None and not (EARLIEST_DATE <= value <= LATEST_DATE):
            raise ValidationError(
                f"Enter {self.label.lower()} as a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}",
                code="date_out_of_range",
            )


def date_field(label: str, required: bool = True, help_text: str = "") -> GovUKDateField:
    """A date as the GOV.UK date input (day, month and year boxes), with the Design System's error
    messages naming the field (portal/date_input.py)."""
    return GovUKDateField(label=label, required=required, help_text=help_text)


class GOVUKFormMixin:
    """Gives the form a crispy helper without its own <form> tag; the template writes the tag,
    the error summary and the buttons (see templates/includes/form.html).

    Every date is a GOV.UK date input (a plain DateField is swapped for one), refusing dates
    outside EARLIEST_DATE and LATEST_DATE; crispy-forms-gds leaves number inputs unstyled, so they
    get GOV.UK input classes with a width that fits the value."""

    # Declared only (no value): `submit` sets it, and views read it after a refusal.
    service_error: ValidationError | None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No layout unless a form sets one: crispy then renders every field the form has when it
        # is drawn, including fields added in a subclass's __init__ after this runs.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.DateField):
                # No browser date pickers: every date is the GOV.UK date input.
                field = self.fields[name] = as_date_input(field)
            if isinstance(field, GovUKDateField):
                # Each form has its own copy of its fields (and their validators).
                field.validators.append(DateInRange(str(field.label or name.replace("_", " "))))
            widget = field.widget
            if isinstance(widget, forms.NumberInput) and "class" not in widget.attrs:
                widget.attrs["class"] = "govuk-input govuk-input--width-4"


class PortalForm(GOVUKFormMixin, forms.Form):
    pass


class RevisionMixin(forms.Form):
    """The revision the user started from, in a hidden field, posted back so that the service can
    refuse a save based on an older one (portal.exceptions.StaleEdit: no lost updates). A model
    form editing an object fills it from the object's `revision`."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and not self.is_bound:
            self.initial["revision"] = instance.revision


class PortalModelForm(GOVUKFormMixin, forms.ModelForm):
    pass


class ServiceModelForm(PortalModelForm):
    """A model form that only checks the shape of the input (types, lengths, choices).

    The model's own rules and the business rules are checked once, by the service function the
    view calls with `form.cleaned_data`; its ValidationError goes back onto the form with
    `add_service_errors`. (A plain ModelForm would also run the model's constraints and report
    them a second time in Django's generic words.)"""

    def _post_clean(self):
        pass


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the form: beside the field it names, or at the top. It stays as
    `form.service_error`. After a stale edit the form moves on to the revision now saved (its
    hidden `revision`), so that the user's next save, made after seeing what was saved meanwhile
    (`saved_meanwhile`), is a deliberate overwrite rather than refused again and again."""
    form.service_error = error  # type: ignore[attr-defined]  # set on any form the flows handle
    if isinstance(error, StaleEdit) and "revision" in form.fields and error.current_revision is not None:
        data = form.data.copy()  # type: ignore[attr-defined]  # bound forms hold a QueryDict
        data["revision"] = str(error.current_revision)
        form.data = data
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def saved_meanwhile(form: forms.Form, obj) -> list[tuple[str, str]] | None:
    """After a stale edit, what is saved now, [(label, value)] for each field of the form, to show
    beside the user's own version (templates/includes/saved_meanwhile.html); None otherwise.
    A form shows fields that are not attributes of the object through `saved_value(obj, name)`
    (None for the others)."""
    if not isinstance(getattr(form, "service_error", None), StaleEdit):
        return None
    if obj.pk is not None:  # (a record first saved by the other person at the same moment has none here)
        obj.refresh_from_db()
    saved = []
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput):
            continue
        value = form.saved_value(obj, name) if hasattr(form, "saved_value") else None
        if value is None:
            display = getattr(obj, f"get_{name}_display", None)
            value = display() if display else getattr(obj, name, "")
        saved.append((str(field.label or name), _shown(value)))
    return saved


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    return str(value)


def submit(form: forms.Form, service: Callable[[dict[str, Any]], T]) -> tuple[bool, T | None]:
    """The one way views run a form through a service: `service(form.cleaned_data)` runs only
    when the form is valid, and a refusal lands on the form (and stays as `form.service_error`,
    so a view can tell a stale edit apart). Returns (saved, result): the result is None unless saved."""
    form.service_error = None  # type: ignore[attr-defined]  # read by views after a refusal
    if not form.is_valid():
        return False, None
    try:
        return True, service(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False, None


class NoNullCharsMixin:
    """Refuse NUL bytes in any text input (PostgreSQL cannot store them)."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, "Remove the invalid control character from this text")
        return cleaned


class LoginForm(GOVUKFormMixin, AuthenticationForm):
    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        self.error_messages["invalid_login"] = (
            "Enter a correct email address and password. Both are case-sensitive apart from the email address."
        )

    def clean_username(self):
        return (self.cleaned_data.get("username") or "").strip().lower()


class SetPasswordPortalForm(GOVUKFormMixin, SetPasswordForm):
    pass


class PortalPasswordResetForm(GOVUKFormMixin, PasswordResetForm):
    """Also sends a link to people who were invited but never set a password (Django skips
    accounts without a usable password), so a lost invitation e-mail is not a dead end."""

    def get_users(self, email):
        return get_user_model()._default_manager.filter(email__iexact=email.strip(), is_active=True)

    def save(self, *args, **kwargs):
        # The link in the e-mail comes from SITE_URL, never from the request's Host header, which
        # the client chooses (portal/links.py).
        parts = urlsplit(settings.SITE_URL)
        kwargs["domain_override"] = parts.netloc
        kwargs["use_https"] = parts.scheme == "https"
        kwargs["extra_email_context"] = {**(kwargs.get("extra_email_context") or {}), "site_url": settings.SITE_URL}
        return super().save(*args, **kwargs)

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        # Queued like every other e-mail (portal/mail.py): a mail outage never fails the page.
        from django.template import loader

        from portal.mail import queue

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        queue(to_email, subject, loader.render_to_string(email_template_name, context), template=email_template_name)


class ConfirmPasswordForm(PortalForm):
    """Re-enter the password before signing or signing off (failures count as sign-in failures)."""

    password = forms.CharField(
        label="Your password",
        help_text="Enter your password again to confirm it is you.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
    )

    def __init__(self, *args, user=None, request=None, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        try:
            confirmed = self.user is not None and confirm_password(self.request, self.user, password)
        except TooManyAttempts:
            raise forms.ValidationError(
                "Too many wrong passwords. Wait 15 minutes, then try again", code="locked"
            ) from None
        if not confirmed:
            raise forms.ValidationError("The password is not correct")
        return password


__all__ = [
    "PortalForm",
    "PortalModelForm",
    "ServiceModelForm",
    "RevisionMixin",
    "add_service_errors",
    "saved_meanwhile",
    "submit",
    "date_field",
    "NoNullCharsMixin",
    "LoginForm",
    "SetPasswordPortalForm",
    "PortalPasswordResetForm",
    "ConfirmPasswordForm",
    "password_validation",
]
