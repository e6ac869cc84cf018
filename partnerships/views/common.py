"""What every partnerships page shares: the form page, the "are you sure?" page, a tab's address."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from portal.flows import form_page


def form_flow(request, form, service, *, success, next_url, stale_check=None, **page) -> HttpResponse:
    """portal.flows.form_page on partnerships/form_page.html (title, intro, partnership, cancel_url...)."""
    return form_page(
        request,
        form,
        service,
        template="partnerships/form_page.html",
        success=success,
        next_url=next_url,
        stale_check=stale_check,
        **page,
    )


def tab_url(partnership, tab: str) -> str:
    return f"{partnership.get_absolute_url()}#{tab}"


def confirm(request, action, *, success: str, next_url: str, **page) -> HttpResponse:
    """An "are you sure?" page; on POST run `action()` and move on, or show why it was refused."""
    if request.method == "POST":
        try:
            action()
        except ValidationError as refusal:
            page["error"] = " ".join(refusal.messages)
        else:
            messages.success(request, success)
            return redirect(next_url)
    return render(request, "partnerships/confirm.html", page)
