"""The portal's private file store: `storages["private"]` (settings.STORAGES).

Evidence files, import files, signed PDFs, exports and the audit checkpoints live there: a folder
that nothing serves (PRIVATE_MEDIA_ROOT) by default, or an S3-compatible bucket when
PORTAL_S3_BUCKET is set (docs/operator.md, "Files"). Nothing in it has a public address: every
download is streamed by a view after its access check (portal.files.private_file_response).

Model fields name `private_storage` (a callable, so migrations record the name and not the
settings of the day), and it returns a proxy that looks the alias up when used, so a changed
STORAGES setting (tests, an operator's environment) takes effect without reloading the models.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty

logger = logging.getLogger("portal.storage")
ALIAS = "private"
UNAVAILABLE_MESSAGE = (
    "The file could not be stored because the file store is not answering. Nothing was saved: "
    "try again in a few minutes, and tell the site administrator if it keeps happening."
)


class _PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages[ALIAS]


_private = _PrivateStorage()


def private_storage():
    """The storage for a FileField's `storage=` argument, and for code that stores files itself."""
    return _private


def _reset(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


setting_changed.connect(_reset)


def storage_errors() -> tuple[type[BaseException], ...]:
    """What a failing store raises: OSError for a folder (disk full, permissions), botocore's
    errors for a bucket (refused connection, unknown bucket, denied access)."""
    errors: tuple[type[BaseException], ...] = (OSError,)
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # boto3 is only needed with a bucket
        return errors
    return (*errors, BotoCoreError, ClientError)


@contextmanager
def refuse_on_storage_failure(field: str | None = None):
    """Turn a failing store into a ValidationError a person understands (beside `field` when
    given), so the form is shown again with what was typed; the failure itself goes to the log."""
    try:
        yield
    except storage_errors() as exc:
        logger.exception("The private file store refused a write")
        message = UNAVAILABLE_MESSAGE
        raise ValidationError({field: message} if field else message) from exc
