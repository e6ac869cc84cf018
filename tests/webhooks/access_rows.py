"""Who may open each webhooks page: the partnership's leads (and site administrators); other
members get 403, outsiders 404."""

from tests.access import Row, roles
from webhooks import services

LEAD = roles("lead")
URL = "https://hooks.example.org/portal-events"  # does not resolve here: accepted, fails when sent


def _slug(w):
    return {"slug": w.partnership.slug}


def _endpoint(w):
    endpoint, _ = services.add_endpoint(
        w.user("lead"), w.partnership, data={"url": URL, "event_types": ["memorandum.signed"]}
    )
    return endpoint


def _pk(w):
    return {"slug": w.partnership.slug, "pk": _endpoint(w).pk}


def _disabled(w):
    endpoint = _endpoint(w)
    services.disable_endpoint(w.user("lead"), endpoint, reason="Moving to a new system")
    return {"slug": w.partnership.slug, "pk": endpoint.pk}


def _delivery(w):
    endpoint = _endpoint(w)
    delivery = services.send_test(w.user("lead"), endpoint)
    return {"slug": w.partnership.slug, "pk": endpoint.pk, "delivery_pk": delivery.pk}


ROWS: list[Row] = [
    Row("webhooks:list", LEAD, _slug),
    Row("webhooks:add", LEAD, _slug),
    Row("webhooks:detail", LEAD, _pk),
    Row("webhooks:edit", LEAD, _pk),
    Row("webhooks:disable", LEAD, _pk),
    Row("webhooks:enable", LEAD, _disabled),
    Row("webhooks:rotate", LEAD, _pk),
    Row("webhooks:test", LEAD, _pk),
    Row("webhooks:delivery", LEAD, _delivery),
]
