"""A partnership's webhooks: thin views over webhooks.services and the delivery log."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from partnerships.access import object_or_404, partnership_or_404
from partnerships.auth import AuthenticatedHttpRequest
from partnerships.views.common import confirm, form_flow
from portal.flows import GET_ONLY, GET_POST
from portal.forms import submit
from portal.paging import paginate
from webhooks import delivery as delivery_module
from webhooks import services
from webhooks.forms import DisableForm, EndpointForm, RotateForm
from webhooks.models import Delivery, Endpoint
from webhooks.permissions import WebhookPerm


def _list_url(slug: str) -> str:
    return reverse("webhooks:list", args=[slug])


def _endpoint(request, slug: str, pk: int) -> Endpoint:
    return object_or_404(
        Endpoint.objects.select_related("partnership"), request.user, WebhookPerm.MANAGE, pk=pk, partnership__slug=slug
    )


def _crumbs(partnership, *more) -> list[tuple[str, str]]:
    return [("Webhooks", _list_url(partnership.slug)), *more]


@login_required
@GET_ONLY
def endpoint_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, WebhookPerm.MANAGE)
    endpoints = Endpoint.objects.filter(partnership=partnership).order_by("url", "pk")
    return render(request, "webhooks/list.html", {"partnership": partnership, "endpoints": endpoints})


def _show_secret(request, endpoint: Endpoint, secret: str, *, rotated: bool) -> HttpResponse:
    response = render(
        request,
        "webhooks/secret.html",
        {"endpoint": endpoint, "partnership": endpoint.partnership, "secret": secret, "rotated": rotated},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@GET_POST
@never_cache
def endpoint_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, WebhookPerm.MANAGE)
    form = EndpointForm(request.POST or None)
    if request.method == "POST":
        saved, result = submit(form, lambda data: services.add_endpoint(request.user, partnership, data=data))
        if saved and result is not None:
            endpoint, secret = result
            return _show_secret(request, endpoint, secret, rotated=False)
    return render(
        request,
        "partnerships/form_page.html",
        {
            "form": form,
            "title": "Add a webhook endpoint",
            "intro": "The portal sends each event you choose to this address, signed with a secret you see once.",
            "partnership": partnership,
            "breadcrumbs": _crumbs(partnership),
            "submit_label": "Add endpoint",
            "cancel_url": _list_url(slug),
        },
    )


@login_required
@GET_ONLY
def endpoint_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, slug, pk)
    deliveries = endpoint.deliveries.select_related("message").order_by("-scheduled_for", "-id")
    return render(
        request,
        "webhooks/detail.html",
        {
            "endpoint": endpoint,
            "partnership": endpoint.partnership,
            "breadcrumbs": _crumbs(endpoint.partnership),
            "secrets": endpoint.signing_secrets(),
            **paginate(request, deliveries, per_page=25),
        },
    )


@login_required
@GET_POST
def endpoint_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, slug, pk)
    detail_url = endpoint.get_absolute_url()
    return form_flow(
        request,
        EndpointForm(request.POST or None, endpoint=endpoint),
        lambda data: services.update_endpoint(request.user, endpoint, data=data, base_revision=data.get("revision")),
        success="The endpoint is saved.",
        stale_check=endpoint,
        next_url=detail_url,
        title=f"Change {endpoint.url}",
        partnership=endpoint.partnership,
        breadcrumbs=_crumbs(endpoint.partnership, (endpoint.url, detail_url)),
        cancel_url=detail_url,
    )


@login_required
@GET_POST
def endpoint_disable(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, slug, pk)
    detail_url = endpoint.get_absolute_url()
    return form_flow(
        request,
        DisableForm(request.POST or None),
        lambda data: services.disable_endpoint(request.user, endpoint, reason=data["reason"]),
        success="The endpoint is disabled. No events are sent to it until you enable it again.",
        next_url=detail_url,
        title=f"Disable {endpoint.url}",
        partnership=endpoint.partnership,
        breadcrumbs=_crumbs(endpoint.partnership, (endpoint.url, detail_url)),
        submit_label="Disable endpoint",
        cancel_url=detail_url,
    )


@login_required
@GET_POST
def endpoint_enable(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, slug, pk)
    detail_url = endpoint.get_absolute_url()
    return confirm(
        request,
        lambda: services.enable_endpoint(request.user, endpoint),
        success="The endpoint is enabled. New events are sent to it.",
        next_url=detail_url,
        title=f"Enable {endpoint.url} again",
        warning="Events that happened while it was disabled are not sent.",
        partnership=endpoint.partnership,
        breadcrumbs=_crumbs(endpoint.partnership, (endpoint.url, detail_url)),
        submit_label="Enable endpoint",
        cancel_url=detail_url,
    )


@login_required
@GET_POST
@never_cache
def rotate_secret(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, slug, pk)
    detail_url = endpoint.get_absolute_url()
    form = RotateForm(request.POST or None)
    if request.method == "POST":
        saved, secret = submit(
            form, lambda data: services.rotate_secret(request.user, endpoint, overlap_hours=data["overlap_hours"])
        )
        if saved and secret:
            return _show_secret(request, endpoint, secret, rotated=True)
    return render(
        request,
        "partnerships/form_page.html",
        {
            "form": form,
            "title": f"Rotate the secret of {endpoint.url}",
            "intro": "A new secret signs every event from now on. Until the old one stops, each event carries both signatures, so your system can switch without missing any.",
            "partnership": endpoint.partnership,
            "breadcrumbs": _crumbs(endpoint.partnership, (endpoint.url, detail_url)),
            "submit_label": "Make a new secret",
            "cancel_url": detail_url,
        },
    )


@login_required
@GET_POST
def send_test(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, slug, pk)
    detail_url = endpoint.get_absolute_url()
    if request.method == "POST" and not endpoint.enabled:
        messages.error(request, "Enable the endpoint before sending a test event.")
        return redirect(detail_url)
    return confirm(
        request,
        lambda: services.send_test(request.user, endpoint),
        success="A test event is on its way. Its delivery shows in the log below.",
        next_url=detail_url + "#deliveries",
        title=f"Send a test event to {endpoint.url}",
        partnership=endpoint.partnership,
        breadcrumbs=_crumbs(endpoint.partnership, (endpoint.url, detail_url)),
        submit_label="Send test event",
        cancel_url=detail_url,
    )


@login_required
@GET_ONLY
def delivery_detail(request: AuthenticatedHttpRequest, slug: str, pk: int, delivery_pk: int) -> HttpResponse:
    endpoint = _endpoint(request, slug, pk)
    delivery = get_object_or_404(Delivery.objects.select_related("message"), pk=delivery_pk, endpoint=endpoint)
    return render(
        request,
        "webhooks/delivery.html",
        {
            "endpoint": endpoint,
            "delivery": delivery,
            "partnership": endpoint.partnership,
            "breadcrumbs": _crumbs(endpoint.partnership, (endpoint.url, endpoint.get_absolute_url())),
            "body": json.dumps(delivery.message.payload, indent=2, sort_keys=True, ensure_ascii=False),
            "max_attempts": delivery_module.max_attempts(),
        },
    )
