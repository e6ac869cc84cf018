"""What every memoranda page needs: the memorandum as the user may see it, and a refusal in
words when its state does not allow the action."""

from __future__ import annotations

from enum import StrEnum
from typing import cast

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from memoranda import services
from memoranda.models import Memorandum
from partnerships.access import Perm, object_or_404
from portal.exceptions import InvalidTransition


def memorandum_or_404(request, pk, perm: StrEnum = Perm.VIEW, queryset=None) -> Memorandum:
    queryset = queryset if queryset is not None else Memorandum.objects.select_related("partnership")
    # object_or_404 is typed for any model; every queryset passed here is of Memorandum.
    return cast(Memorandum, object_or_404(queryset, request.user, perm, pk=pk))


def refused(request, memorandum: Memorandum, action: str) -> HttpResponse | None:
    """None when the memorandum's state allows `action`; otherwise back to its page, saying why."""
    if services.allowed(memorandum, action):
        return None
    try:
        services.require_state(memorandum, action)
    except InvalidTransition as exc:
        messages.error(request, exc.messages[0])
    return redirect(memorandum)
