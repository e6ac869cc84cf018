"""The webhook list and the delivery log need the same queries however long they are."""

from __future__ import annotations

from django.utils import timezone

from webhooks import services
from webhooks.events import new_msg_id
from webhooks.models import Delivery, DeliveryStatus, Endpoint, EventType, Message


def _fill(world, endpoint: Endpoint, n: int) -> None:
    for i in range(n):
        message = Message.objects.create(
            msg_id=new_msg_id(), partnership=world.partnership, event_type=EventType.MEMORANDUM_SIGNED, payload={"i": i}
        )
        Delivery.objects.create(
            endpoint=endpoint,
            message=message,
            status=DeliveryStatus.FAILED,
            response_code=500,
            finished_at=timezone.now(),
        )
    for i in range(n // 20):
        services.add_endpoint(
            world.user("lead"),
            world.partnership,
            data={"url": f"https://hooks{len(str(n))}-{i}.example.org/", "event_types": ["memorandum.signed"]},
        )


def test_the_list_and_the_log_need_the_same_queries_small_and_large(client_for, world, django_assert_max_num_queries):
    endpoint, _ = services.add_endpoint(
        world.user("lead"),
        world.partnership,
        data={"url": "https://hooks.example.org/", "event_types": ["memorandum.signed"]},
    )
    client = client_for("lead")
    list_url = f"/partnerships/{world.partnership.slug}/webhooks/"
    for n in (5, 60):
        _fill(world, endpoint, n)
        with django_assert_max_num_queries(12):
            assert "HTTP 500" in client.get(endpoint.get_absolute_url()).content.decode()
        with django_assert_max_num_queries(8):
            assert client.get(list_url).status_code == 200
