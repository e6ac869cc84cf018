"""Core models: the user account and the tamper-evident audit trail."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


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


class AuditEvent(models.Model):
    """One change made through a service function.

    Each row stores the SHA-256 of its own content together with the previous row's hash, so
    editing or deleting any row breaks the chain, which `manage.py verify_audit` detects.
    Rows are written only by `portal.audit.record`.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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

    def content_for_hash(self) -> dict:
        # actor_id is left out on purpose: it is set to NULL if the account is ever deleted,
        # while actor_label (name and e-mail at the time) is kept and hashed.
        return {
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

    def compute_hash(self) -> str:
        payload = self.prev_hash + canonical_json(self.content_for_hash())
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()
