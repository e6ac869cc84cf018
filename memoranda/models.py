"""Memoranda of Cooperation: a draft edited section by section, frozen versions that are signed,
and the signatures, comments, reviews and reminders around them.

The draft lives on Memorandum + Section + Party + PlaceCommitment rows. Sending for signature
freezes a copy of everything signers see into MemorandumVersion.content (canonical JSON, see
memoranda.canonical) and hashes it, so later edits can never change what was signed.

An amendment is a new Memorandum row that `replaces` the one in force and shares its `lineage`:
the old one stays active until the new one is fully signed, then becomes superseded. Version
numbers run on across a lineage (1, 2, 3...), so "version 3" names one text for everyone.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Organisation, Partnership, ScopedQuerySet
from portal.hashing import sha256_of
from portal.storage import private_storage

# A section may hold a long annex, but not a whole book: beyond this the page and the PDF slow
# down and the text stops being the "short, plain" agreement partners asked for.
SECTION_MAX_CHARS = 100_000
COMMITMENTS_MAX_CHARS = 10_000
COMMENT_MAX_CHARS = 5_000
REASON_MAX_CHARS = 2_000


class Kind(models.TextChoices):
    PRINCIPLES = "principles", "Overarching principles agreement"
    OPERATIONAL = "operational", "Operational agreement"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING = "awaiting_signature", "Awaiting signatures"
    ACTIVE = "active", "Active"
    SUPERSEDED = "superseded", "Superseded"
    EXPIRED = "expired", "Expired"
    ENDED = "ended", "Ended"


class Seniority(models.TextChoices):
    """The level at which a signatory signs. Employers usually sign at Assistant Director or
    above, universities at Head of Faculty or above; smaller organisations at the top."""

    ASSISTANT_DIRECTOR = "assistant_director", "Assistant Director or above"
    HEAD_OF_FACULTY = "head_of_faculty", "Head of Faculty or above"
    ORGANISATION_HEAD = "organisation_head", "Chief executive, director or chair of the organisation"
    OTHER = "other", "Below the usual signing level"


class MemorandumQuerySet(ScopedQuerySet):
    pass


class VersionQuerySet(ScopedQuerySet):
    partnership_field = "memorandum__partnership"


class Memorandum(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memoranda")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PRINCIPLES)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    start_date = models.DateField()
    review_interval_months = models.PositiveSmallIntegerField(default=12)
    effective_date = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True, db_index=True)
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.TextField(blank=True, max_length=REASON_MAX_CHARS)
    # Bumped on every change to the draft; sending for signature must be based on the latest one,
    # so what is frozen is exactly what the lead saw.
    revision = models.PositiveIntegerField(default=1)
    # Bumped when the title, kind, parties, start date or interval change (the details form).
    details_revision = models.PositiveIntegerField(default=1)
    # Bumped when placement numbers change (the placements table form).
    places_revision = models.PositiveIntegerField(default=1)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by")
    # Shared by a memorandum and all its amendments: versions are numbered and compared across it.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemorandumQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "memoranda"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("memoranda:detail", kwargs={"pk": self.pk})

    @property
    def signing_late(self) -> bool:
        """Still waiting for signatures although its start date has passed: the partners are
        working to an agreement nobody has signed yet."""
        return self.status == Status.AWAITING and self.start_date < timezone.localdate()

    @property
    def not_yet_in_force(self) -> bool:
        """Signed by everyone, but its start date is still to come."""
        return (
            self.status == Status.ACTIVE
            and self.effective_date is not None
            and self.effective_date > timezone.localdate()
        )

    @property
    def review_overdue(self) -> bool:
        return self.status == Status.ACTIVE and self.review_date is not None and self.review_date < timezone.localdate()

    @property
    def review_due_soon(self) -> bool:
        """Due within 60 days (and not yet overdue)."""
        if self.status != Status.ACTIVE or self.review_date is None:
            return False
        days = (self.review_date - timezone.localdate()).days
        return 0 <= days <= 60


class Section(models.Model):
    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=40, blank=True, help_text="Checklist area this section covers.")
    heading = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=SECTION_MAX_CHARS)
    guidance = models.TextField(blank=True, max_length=2000)
    position = models.PositiveIntegerField(default=0)
    # Bumped on every save of this section; a save based on an older one is refused.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.heading


class SectionRevision(models.Model):
    """The text of a section as saved at each revision, so a refused stale save can show the
    editor exactly what someone else changed meanwhile (and who)."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    heading = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["section", "number"]
        constraints = [models.UniqueConstraint(fields=["section", "number"], name="section_revision_once")]

    def __str__(self) -> str:
        return f"{self.heading} (revision {self.number})"


class Party(models.Model):
    """An organisation bound by the memorandum, its named signatory and its commitments."""

    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="memorandum_parties"
    )
    signatory_position = models.CharField(max_length=200, blank=True)
    seniority = models.CharField(max_length=30, choices=Seniority.choices, blank=True)
    commitments = models.TextField("responsibilities", blank=True, max_length=COMMITMENTS_MAX_CHARS)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name_plural = "parties"
        constraints = [models.UniqueConstraint(fields=["memorandum", "organisation"], name="party_once")]

    def __str__(self) -> str:
        return str(self.organisation)


class PlaceCommitment(models.Model):
    """Placement numbers a party commits for one academic year (read by the placements app)."""

    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="place_commitments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    academic_year = models.CharField(max_length=7, help_text='For example "2026/27".')
    places = models.PositiveIntegerField()

    class Meta:
        ordering = ["academic_year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["memorandum", "organisation", "academic_year"], name="places_once")
        ]

    def __str__(self) -> str:
        return f"{self.places} placements in {self.academic_year}"


class VersionStatus(models.TextChoices):
    AWAITING = "awaiting_signature", "Awaiting signatures"
    SIGNED = "signed", "Signed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MemorandumVersion(models.Model):
    """A frozen, numbered copy of the memorandum as sent for signature. Never edited."""

    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=20, choices=VersionStatus.choices, default=VersionStatus.AWAITING)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    declined_reason = models.TextField(blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf = models.FileField(upload_to="memoranda/", storage=private_storage, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["memorandum", "number"]
        constraints = [models.UniqueConstraint(fields=["memorandum", "number"], name="version_number_once")]

    def __str__(self) -> str:
        return f"{self.memorandum} version {self.number}"

    def hash_matches(self) -> bool:
        return sha256_of(self.content) == self.sha256

    @property
    def parties(self) -> list[dict]:
        return self.content.get("parties", [])


class Signature(models.Model):
    """One party's signature on one frozen version. It points at the organisation named in the
    frozen text (not at the editable Party row), so later drafts cannot disturb it."""

    version = models.ForeignKey(MemorandumVersion, on_delete=models.PROTECT, related_name="signatures")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(max_length=150)
    position = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    method = models.CharField(max_length=100)
    sha256 = models.CharField("hash signed", max_length=64)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "organisation"], name="one_signature_per_party")]

    def __str__(self) -> str:
        return f"{self.typed_name} for {self.organisation_id} on version {self.version_id}"


class SigningEventKind(models.TextChoices):
    SENT = "sent", "Sent the request"
    VIEWED = "viewed", "First opened the signing page"
    SIGNED = "signed", "Signed"
    DECLINED = "declined", "Declined"


class SigningEvent(models.Model):
    """One step of one party's signing of one version, for the certificate of completion: when the
    request was sent to the signatory, when they first opened it, when they signed or declined,
    and from which address and browser (none for "sent": that is the lead's request, not theirs).
    Kept with the version, as long as the memorandum's record (docs/memoranda.md)."""

    version = models.ForeignKey(MemorandumVersion, on_delete=models.PROTECT, related_name="signing_events")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=SigningEventKind.choices)
    at = models.DateTimeField()
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField("browser (user agent)", max_length=400, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # Each step happens once per party and version; "viewed" is the first opening only.
            models.UniqueConstraint(fields=["version", "organisation", "kind"], name="one_signing_event_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.organisation_id} on version {self.version_id}"


class Comment(models.Model):
    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments")
    # Kept so a comment still says where it was made after its section is removed.
    section_heading = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=COMMENT_MAX_CHARS)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author_id} on {self.memorandum_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ReviewOutcome(models.TextChoices):
    UNCHANGED = "unchanged", "Continue unchanged"
    AMEND = "amend", "Amend it (start a new draft)"
    END = "end", "End it"


class Review(models.Model):
    """A recorded review of an active memorandum (principle 2: keep it under regular review)."""

    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices)
    note = models.TextField(blank=True, max_length=REASON_MAX_CHARS)
    due_date = models.DateField(null=True, blank=True, help_text="The review date this review answered.")
    next_review_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Review on {self.reviewed_on}: {self.get_outcome_display()}"


class ReminderSent(models.Model):
    """One row per reminder sent, so `send_reminders` never sends the same one twice. `key` names
    the reminder, e.g. "review:2026-12-01:30" or "signature:v3:org12"."""

    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=80)
    recipients = models.TextField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["memorandum", "key"], name="reminder_once")]

    def __str__(self) -> str:
        return self.key
