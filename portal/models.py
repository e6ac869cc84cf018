"""Core models: the user account and the tamper-evident audit trail."""

from __future__ import annotations

import hashlib
import json
import re

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from portal import audit_keys


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # E-mail addresses are stored lower-case, so sign-in ignores case.
        return self.get(**{self.model.USERNAME_FIELD: (username or "").strip().lower()})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in by e-mail. Site administrators have is_staff set."""

    email = models.EmailField("e-mail address", unique=True, max_length=254)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "site administrator",
        default=False,
        help_text="Site administrators see every partnership and manage organisations and users.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_site_admin(self) -> bool:
        return self.is_active and (self.is_staff or self.is_superuser)


def canonical_json(data) -> str:
    """One serialisation for hashing: sorted keys, no whitespace, UTF-8 kept."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


# Where a subject's text (a student's reference, say) stood in an event's labels, summary and
# changes: "\u27e6n\u27e7" for subject n. A literal "\u27e6" is doubled first so that no typed text
# can pass for a placeholder.
_OPEN, _CLOSE = "\u27e6", "\u27e7"


def _placeholders(value, texts: list[tuple[int, str]]):
    """`value` (a string, or JSON of strings) with each subject's text replaced by its placeholder."""
    if isinstance(value, str):
        if not texts:
            return value.replace(_OPEN, _OPEN + _OPEN)
        # One pass, longest text first, so a reference inside a longer one (or a digit inside a
        # placeholder already written) is never replaced twice.
        by_text: dict[str, int] = {}
        for position, text in texts:
            by_text.setdefault(text, position)
        pattern = "|".join(re.escape(t) for t in sorted(by_text, key=len, reverse=True))
        parts, last = [], 0
        for match in re.finditer(pattern, value):
            parts.append(value[last : match.start()].replace(_OPEN, _OPEN + _OPEN))
            parts.append(f"{_OPEN}{by_text[match.group(0)]}{_CLOSE}")
            last = match.end()
        parts.append(value[last:].replace(_OPEN, _OPEN + _OPEN))
        return "".join(parts)
    if isinstance(value, dict):
        return {_placeholders(k, texts): _placeholders(v, texts) for k, v in value.items()}
    if isinstance(value, list):
        return [_placeholders(v, texts) for v in value]
    return value


def _fill(value, texts: dict[int, str]):
    """The inverse of `_placeholders`: each placeholder replaced by its subject's (new) text."""
    if isinstance(value, str):
        out, i = [], 0
        while i < len(value):
            if value.startswith(_OPEN + _OPEN, i):
                out.append(_OPEN)
                i += 2
            elif value[i] == _OPEN and _CLOSE in value[i:]:
                end = value.index(_CLOSE, i)
                out.append(texts[int(value[i + 1 : end])])
                i = end + 1
            else:
                out.append(value[i])
                i += 1
        return "".join(out)
    if isinstance(value, dict):
        return {_fill(k, texts): _fill(v, texts) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, texts) for v in value]
    return value


class AuditEvent(models.Model):
    """One change made through a service function.

    Each row stores an HMAC-SHA256, under a key held outside the database, of its own content
    together with the previous row's hash, so editing, re-chaining or deleting any row breaks the
    chain, which `manage.py verify_audit` detects (signed checkpoints catch rows removed from the
    end). Rows are written only by `portal.audit.record`.

    People's references (a student's) are "subjects" (AuditSubject): the hash covers the text
    with the reference replaced by a placeholder plus a keyed digest of the reference, so when
    the person's data is purged the reference can be replaced by a pseudonym and the chain still
    verifies.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The actor's id as recorded, hashed: `actor` (what History shows) is set to NULL when the
    # account is deleted, so verification compares the two instead of hashing the foreign key.
    actor_ref = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=300, blank=True)
    # Plain integers, not foreign keys: the core must not depend on the apps built on it, and
    # the trail must outlive the objects it describes.
    partnership_id = models.BigIntegerField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    # Which audit key signed this row (settings.AUDIT_HMAC_KEYS); empty for rows written before
    # the chain was keyed and not yet re-sealed by `manage.py audit_rehash`.
    key_id = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["-id"]
        # History panels ask for the newest events of one partnership, organisation or object:
        # each index ends in id, so the newest ten are read straight off it, however long the
        # trail and however long ago that partnership last changed anything.
        indexes = [
            models.Index(fields=["partnership_id", "id"], name="audit_partnership_newest"),
            models.Index(fields=["organisation_id", "id"], name="audit_organisation_newest"),
            models.Index(fields=["target_type", "target_id", "id"], name="audit_target_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def subject_rows(self) -> list[AuditSubject]:
        if self.pk is None:
            return list(getattr(self, "_pending_subjects", []))
        cached = getattr(self, "_prefetched_objects_cache", {}).get("subjects")
        rows = list(cached) if cached is not None else list(self.subjects.all())
        return sorted(rows, key=lambda s: s.position)

    def content_for_hash(self, subjects: list[AuditSubject] | None = None) -> dict:
        """Every field a person sees (History, the admin, exports, evidence certificates)."""
        subjects = self.subject_rows() if subjects is None else subjects
        texts = [(s.position, s.text) for s in subjects if s.text]
        return {
            "id": self.pk,
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_ref,
            "actor_label": self.actor_label,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target_label": _placeholders(self.target_label, texts),
            "partnership_id": self.partnership_id,
            "organisation_id": self.organisation_id,
            "summary": _placeholders(self.summary, texts),
            "changes": _placeholders(self.changes, texts),
            "subjects": [[s.position, s.digest] for s in subjects],
            "key_id": self.key_id,
        }

    def compute_hash(self, subjects: list[AuditSubject] | None = None) -> str:
        """The row's HMAC under its key_id; KeyError when the portal does not hold that key."""
        return audit_keys.mac(self.key_id, self.prev_hash + canonical_json(self.content_for_hash(subjects)))

    def compute_legacy_hash(self) -> str:
        """The plain SHA-256 rows had before the chain was keyed (checked once by audit_rehash)."""
        content = {
            "created_at": self.created_at.isoformat(),
            "actor_label": self.actor_label,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target_label": self.target_label,
            "partnership_id": self.partnership_id,
            "organisation_id": self.organisation_id,
            "summary": self.summary,
            "changes": self.changes,
        }
        return hashlib.sha256((self.prev_hash + canonical_json(content)).encode("utf-8")).hexdigest()

    def refill(self, subjects: list[AuditSubject], new_texts: dict[int, str]) -> None:
        """Replace subjects' texts in the labels, summary and changes (used when purging)."""
        template = self.content_for_hash(subjects)
        self.target_label = _fill(template["target_label"], new_texts)
        self.summary = _fill(template["summary"], new_texts)
        self.changes = _fill(template["changes"], new_texts)


class AuditSubject(models.Model):
    """A person's reference inside one audit event, e.g. a student's reference in "Updated the
    student SAL20240001".

    `digest` (hashed into the event) is a keyed HMAC of the subject and the text, so the text is
    checked while it is there; purging replaces `text` with a pseudonym, and `pseudonym_mac`
    (keyed too) shows the pseudonym was written by the portal, not typed into the database.
    """

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="subjects")
    position = models.PositiveSmallIntegerField()
    # "app_label.model:pk" of the person's record, so a purge finds every event naming them.
    subject = models.CharField(max_length=120, db_index=True)
    text = models.CharField(max_length=300)
    digest = models.CharField(max_length=64)
    pseudonymised = models.BooleanField(default=False)
    pseudonym_mac = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["event_id", "position"]
        constraints = [models.UniqueConstraint(fields=["event", "position"], name="audit_subject_position_unique")]

    def __str__(self) -> str:
        return f"{self.subject} in event {self.event_id}"

    @staticmethod
    def digest_for(key_id: str, subject: str, text: str) -> str:
        return audit_keys.mac(key_id, canonical_json(["audit-subject", subject, text]))

    @staticmethod
    def pseudonym_mac_for(key_id: str, digest: str, text: str) -> str:
        return audit_keys.mac(key_id, canonical_json(["audit-pseudonym", digest, text]))


class AuditCheck(models.Model):
    """The result of one full walk of the audit trail (manage.py verify_audit, run daily).

    Kept so people, not only operators, learn of a break: site administrators see a banner while
    the newest check failed, /healthz reports it, and the verify page says a memorandum's record
    can no longer be confirmed when its events are among `problem_event_ids`."""

    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    ok = models.BooleanField()
    events_checked = models.PositiveIntegerField(default=0)
    checkpoints_checked = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    # The first problems found (capped, see portal.audit_status.MAX_KEPT): enough to tell a person
    # where the break is and which records it touches.
    problem_event_ids = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"audit check {self.checked_at:%Y-%m-%d %H:%M}: {'intact' if self.ok else 'broken'}"


# The jobs' models live beside their code (portal/jobs/models.py) but belong to this app.
from portal.jobs.models import Export, OutgoingMail, ScheduledRun, WorkerHeartbeat  # noqa: E402, F401
