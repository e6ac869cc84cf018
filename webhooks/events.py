"""Turning what happens in the portal into webhook messages.

Changes reach us through the audit trail (portal.registry.register_audit_listener): memoranda and
health checks record every state change with `portal.audit.record` and know nothing of webhooks.
Time-based events (a review due, figures due) come from the daily run (`emit_due_events`).

A payload names things by id, slug and title with a link to the portal page: never a person, and
never anything about a student.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from healthcheck.actions import Action as HealthCheckAction
from memoranda.actions import Action as MemorandumAction
from partnerships.models import Partnership
from portal.links import absolute_url
from webhooks.models import Delivery, Endpoint, EventType, Message

# The audit actions that become events, and the event each becomes.
FROM_AUDIT: dict[str, EventType] = {
    MemorandumAction.SENT_FOR_SIGNATURE: EventType.MEMORANDUM_SENT,
    MemorandumAction.SIGNED: EventType.MEMORANDUM_SIGNED,
    MemorandumAction.DECLINED: EventType.MEMORANDUM_DECLINED,
    MemorandumAction.EXPIRED: EventType.MEMORANDUM_EXPIRED,
    HealthCheckAction.SIGNED_OFF: EventType.HEALTH_CHECK_SIGNED_OFF,
}

# A review-due event goes this many days before the review date (or at once when later).
REVIEW_NOTICE_DAYS = 60
# Figures-due events go this many days before an academic year starts, until it starts.
FIGURES_NOTICE_DAYS = 90


def new_msg_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def _partnership_data(partnership: Partnership) -> dict:
    return {
        "id": partnership.pk,
        "slug": partnership.slug,
        "name": partnership.name,
        "url": absolute_url(partnership.get_absolute_url()),
    }


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def build_payload(event_type: str, data: dict, at: dt.datetime) -> dict:
    return {"type": str(event_type), "timestamp": _timestamp(at), "data": data}


def emit(
    partnership: Partnership,
    event_type: str,
    data: dict,
    *,
    dedupe_key: str | None = None,
    endpoints: list[Endpoint] | None = None,
) -> Message | None:
    """Queue `event_type` to every enabled endpoint of the partnership that chose it, in the
    caller's transaction. None when no endpoint wants it, or when `dedupe_key` was emitted before."""
    from webhooks import delivery

    targets = (
        endpoints
        if endpoints is not None
        else Endpoint.objects.filter(partnership=partnership).subscribed_to(event_type)
    )
    if not targets:
        return None
    now = timezone.now()
    payload = build_payload(event_type, {"partnership": _partnership_data(partnership), **data}, now)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                msg_id=new_msg_id(),
                partnership=partnership,
                event_type=event_type,
                payload=payload,
                created_at=now,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None  # emitted before (another run raced us to it)
    for endpoint in targets:
        delivery.queue_attempt(
            Delivery.objects.create(endpoint=endpoint, message=message, attempt=1, scheduled_for=now)
        )
    return message


# --- From the audit trail ---------------------------------------------------------------------


def _memorandum_data(memorandum, event) -> dict:
    changes = event.changes or {}
    data: dict = {
        "memorandum": {
            "id": memorandum.pk,
            "title": memorandum.title,
            "kind": memorandum.kind,
            "status": memorandum.status,
            "review_date": memorandum.review_date.isoformat() if memorandum.review_date else None,
            "url": absolute_url(memorandum.get_absolute_url()),
        }
    }
    if "version" in changes:
        data["version"] = changes["version"][1]
    if "sha256" in changes:
        data["sha256"] = changes["sha256"][1]
    if "organisation" in changes:
        data["organisation"] = changes["organisation"][1]  # the party that signed (an organisation's name)
    return data


def _health_check_data(health_check) -> dict:
    sign_off = health_check.sign_offs.order_by("-id").first()
    return {
        "health_check": {
            "id": health_check.pk,
            "academic_year": health_check.academic_year,
            "organisation": health_check.organisation.name if health_check.organisation_id else None,
            "status": health_check.status,
            "overall_rating": sign_off.overall_rating if sign_off else None,
            "revision": health_check.revision,
            "url": absolute_url(health_check.get_absolute_url()),
        }
    }


def on_audit_event(event) -> None:
    """The audit listener: one of FROM_AUDIT's actions was recorded."""
    event_type = FROM_AUDIT.get(event.action)
    if event_type is None or event.partnership_id is None:
        return
    endpoints = Endpoint.objects.filter(partnership_id=event.partnership_id).subscribed_to(event_type)
    if not endpoints:
        return  # the common case: one query and nothing else
    partnership = Partnership.objects.get(pk=event.partnership_id)
    if event.target_type == "memoranda.memorandum":
        from memoranda.models import Memorandum

        data = _memorandum_data(Memorandum.objects.get(pk=event.target_id), event)
    elif event.target_type == "healthcheck.healthcheck":
        from healthcheck.models import HealthCheck

        data = _health_check_data(HealthCheck.objects.select_related("organisation").get(pk=event.target_id))
    else:
        return
    emit(partnership, event_type, data, endpoints=endpoints)


# --- Time-based events (daily) ----------------------------------------------------------------


def _subscribed_by_partnership(event_type: str) -> dict[int, list[Endpoint]]:
    found: dict[int, list[Endpoint]] = {}
    for endpoint in Endpoint.objects.filter(enabled=True).select_related("partnership"):
        if str(event_type) in endpoint.event_types:
            found.setdefault(endpoint.partnership_id, []).append(endpoint)
    return found


def emit_review_due(today: dt.date) -> int:
    """memorandum.review_due, once per memorandum and review date, from REVIEW_NOTICE_DAYS before it."""
    from memoranda.models import Memorandum, Status

    wanted = _subscribed_by_partnership(EventType.MEMORANDUM_REVIEW_DUE)
    if not wanted:
        return 0
    sent = 0
    due = Memorandum.objects.filter(
        partnership_id__in=wanted,
        status=Status.ACTIVE,
        review_date__lte=today + dt.timedelta(days=REVIEW_NOTICE_DAYS),
    ).select_related("partnership")
    for memorandum in due.order_by("review_date", "pk"):
        key = f"{EventType.MEMORANDUM_REVIEW_DUE}:{memorandum.pk}:{memorandum.review_date.isoformat()}"
        if Message.objects.filter(dedupe_key=key).exists():
            continue
        with transaction.atomic():
            data = {
                "memorandum": {
                    "id": memorandum.pk,
                    "title": memorandum.title,
                    "kind": memorandum.kind,
                    "status": memorandum.status,
                    "review_date": memorandum.review_date.isoformat(),
                    "url": absolute_url(memorandum.get_absolute_url()),
                },
                "days_until_review": (memorandum.review_date - today).days,
            }
            sent += (
                emit(
                    memorandum.partnership,
                    EventType.MEMORANDUM_REVIEW_DUE,
                    data,
                    dedupe_key=key,
                    endpoints=wanted[memorandum.partnership_id],
                )
                is not None
            )
    return sent


def emit_figures_due(today: dt.date) -> int:
    """placements.figures_due, once per partnership and academic year, from FIGURES_NOTICE_DAYS
    before the year starts until it starts: the partnership's placement figures (students needing
    placements, places committed) for that year are due."""
    from django.urls import reverse

    from placements.models import AcademicYear, ProgrammeDemand

    wanted = _subscribed_by_partnership(EventType.FIGURES_DUE)
    if not wanted:
        return 0
    sent = 0
    years = AcademicYear.objects.filter(
        starts_on__gt=today, starts_on__lte=today + dt.timedelta(days=FIGURES_NOTICE_DAYS)
    )
    for year in years.order_by("starts_on"):
        for partnership_id, endpoints in wanted.items():
            partnership = endpoints[0].partnership
            key = f"{EventType.FIGURES_DUE}:{partnership_id}:{year.label}"
            if Message.objects.filter(dedupe_key=key).exists():
                continue
            recorded = ProgrammeDemand.objects.filter(
                programme__partnership_id=partnership_id, academic_year=year
            ).count()
            data = {
                "academic_year": {
                    "label": year.label,
                    "starts_on": year.starts_on.isoformat(),
                    "ends_on": year.ends_on.isoformat(),
                },
                "days_until_start": (year.starts_on - today).days,
                "programmes_with_figures": recorded,
                "url": absolute_url(
                    reverse("placements:sufficiency") + f"?partnership={partnership.slug}&year={year.label}"
                ),
            }
            with transaction.atomic():
                sent += emit(partnership, EventType.FIGURES_DUE, data, dedupe_key=key, endpoints=endpoints) is not None
    return sent


def emit_due_events(today: dt.date) -> int:
    """The daily run (a reminder sender): every time-based event due today, each once."""
    from webhooks import delivery

    delivery.purge_old_log(today)
    return emit_review_due(today) + emit_figures_due(today)
