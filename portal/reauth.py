"""Password re-entry for signing and sign-off, throttled together with sign-in.

A wrong password typed at a signing page is a failed sign-in as far as throttling goes: it is
reported through Django's `user_login_failed` signal, which django-axes counts against the same
user name and address as the sign-in page. Once locked, neither the sign-in page nor a signing
page checks a password again until the pause is over, so the re-entry box cannot be used to
guess a password that the sign-in page would have stopped.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest


class TooManyAttempts(Exception):
    """The account is paused after too many wrong passwords (sign-in and re-entry together)."""


def _credentials(user) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}


def confirm_password(request: HttpRequest | None, user, password: str) -> bool:
    """True when `password` is the user's; a wrong one counts as a failed sign-in.

    Raises TooManyAttempts, without checking the password, while the account is locked; the
    axes middleware then answers with the same "too many attempts" page (HTTP 429) as sign-in.
    """
    credentials = _credentials(user)
    if request is not None and settings.AXES_ENABLED and AxesProxyHandler.is_locked(request, credentials):
        # The attributes axes' middleware reads to answer with its lockout page (not on HttpRequest's type).
        request.axes_locked_out = True  # type: ignore[attr-defined]
        request.axes_credentials = credentials  # type: ignore[attr-defined]
        raise TooManyAttempts
    if user.check_password(password or ""):
        return True
    if request is not None:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            raise TooManyAttempts
    return False
