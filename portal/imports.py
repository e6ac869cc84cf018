"""What every file import shares, whichever app's rows it holds (placements, workforce figures):
the batch's states, and the page's "Import these rows" step.

Each import is checked first (the preview lists every bad row with its line number) and written
only when every row is good, all or nothing; its service checks the stored file again at that point,
because the data may have changed since the preview."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class ImportStatus(models.TextChoices):
    CHECKED = "checked", "Checked, not yet imported"
    HAS_ERRORS = "has-errors", "Has errors"
    IMPORTED = "imported", "Imported"


def confirm_import(
    request: HttpRequest, batch, run_import: Callable, *, detail_url_name: str, what_changed: str
) -> HttpResponse:
    """The POST of an import's page: import a checked batch through its service, or say why not,
    then back to the page (which shows the outcome). `what_changed` names what a second check can
    find changed since the preview ("the data", "the register")."""
    if batch.status != ImportStatus.CHECKED:
        messages.error(request, "This file cannot be imported: fix the rows listed and upload it again.")
        return redirect(detail_url_name, pk=batch.pk)
    try:
        result = run_import(request.user, batch)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        # Success shows as the confirmation panel on the page itself.
        if not result.ok:
            messages.error(
                request,
                f"{what_changed[:1].upper()}{what_changed[1:]} changed since the check and some rows are no "
                "longer valid: nothing was imported.",
            )
    return redirect(detail_url_name, pk=batch.pk)
