"""The one way a page handles a form, and the one way views restrict HTTP methods.

Show the form; on POST run the service through `portal.forms.submit`; if it saved, say so and
move on; if not, show the form again with the errors next to the fields and what was typed kept,
and after a stale edit what is saved now beside it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portal.forms import saved_meanwhile, submit

# The one way views restrict HTTP methods (anything else is answered 405).
GET_ONLY = require_http_methods(["GET"])
GET_POST = require_http_methods(["GET", "POST"])
POST_ONLY = require_http_methods(["POST"])


def form_page(
    request: HttpRequest,
    form,
    service,
    *,
    template: str,
    success,
    next_url,
    stale_check=None,
    **context,
) -> HttpResponse:
    """`service(cleaned_data)` saves; `success` (the message) and `next_url` may be callables
    taking its result. `stale_check` is the object whose saved version to show after a stale
    edit. `context` goes to `template` beside `form` (and `saved_values` after a stale edit)."""
    if request.method == "POST":
        saved, result = submit(form, service)
        if saved:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(next_url(result) if callable(next_url) else next_url)
        if stale_check is not None:
            context["saved_values"] = saved_meanwhile(form, stale_check)
    return render(request, template, {"form": form, **context})
