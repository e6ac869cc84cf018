"""The moment the memoranda services act at: now, except inside `at(moment)`, which the demo uses
to build a realistic history (sent last spring, signed over the following weeks) through the same
services, so every date, hash and PDF is consistent. Audit events still carry the real time they
were written: the trail records when things entered the database."""

from __future__ import annotations

import contextlib
import threading
from datetime import date, datetime

from django.utils import timezone

_state = threading.local()


def now() -> datetime:
    return getattr(_state, "moment", None) or timezone.now()


def today() -> date:
    return timezone.localtime(now()).date()


@contextlib.contextmanager
def at(moment: datetime):
    previous = getattr(_state, "moment", None)
    _state.moment = moment
    try:
        yield
    finally:
        _state.moment = previous
