"""Actions: the list across health checks, overdue on the owner's dashboard, reminders."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from healthcheck.models import Action, ActionReminder
from healthcheck.services import action_plans
from healthcheck.services.reminders import send_overdue_action_reminders
from tests.healthcheck import factories as hf

pytestmark = pytest.mark.django_db


def _action(world, hc, code="A1", *, owner="coordinator", due=None, description="Agree a plan"):
    return action_plans.add_action(
        world.user("coordinator"),
        hc.ratings.get(criterion__code=code),
        description=description,
        owner=world.user(owner),
        due_on=due or dt.date(2027, 3, 31),
    )


def test_the_action_list_filters_by_owner_status_and_overdue(world, client_for):
    hc = hf.health_check(world)
    today = timezone.localdate()
    _action(world, hc, owner="coordinator", due=today - dt.timedelta(days=3), description="Late thing")
    _action(world, hc, "A2", owner="lead", due=today + dt.timedelta(days=30), description="Future thing")
    done = _action(world, hc, "B1", owner="coordinator", due=today - dt.timedelta(days=9), description="Done thing")
    action_plans.update_action(
        world.user("coordinator"),
        done,
        data={"description": done.description, "owner": done.owner, "due_on": done.due_on, "status": "done"},
        base_revision=done.revision,
    )
    client = client_for("coordinator")
    url = reverse("healthcheck:action_list")

    def shown(query):
        page = client.get(url + query).content.decode()
        return {name for name in ("Late thing", "Future thing", "Done thing") if name in page}

    assert shown("") == {"Late thing", "Future thing", "Done thing"}
    assert shown("?owner=me") == {"Late thing", "Done thing"}
    assert shown(f"?owner={world.user('lead').pk}") == {"Future thing"}
    assert shown("?status=open") == {"Late thing", "Future thing"}
    assert shown("?status=done") == {"Done thing"}
    assert shown("?overdue=1") == {"Late thing"}
    assert shown("?partnership=elsewhere") == set()
    assert "Overdue" in client.get(url + "?overdue=1").content.decode()
    # Odd input is ignored, never an error.
    assert client.get(url + "?owner=99999999999999999999999&status=%00").status_code == 200


def test_outsiders_see_no_actions(world, client_for):
    hc = hf.health_check(world)
    _action(world, hc, description="Secret plan")
    assert "Secret plan" not in client_for("non_member").get(reverse("healthcheck:action_list")).content.decode()
    action = Action.objects.get()
    assert client_for("non_member").get(reverse("healthcheck:action_edit", args=[action.pk])).status_code == 404


def test_overdue_actions_appear_on_the_owners_dashboard(world, client_for):
    hc = hf.health_check(world)
    _action(world, hc, owner="lead", due=timezone.localdate() - dt.timedelta(days=1), description="Write the plan")
    page = client_for("lead").get(reverse("dashboard")).content.decode()
    assert "A1: Write the plan" in page
    assert "Overdue" in page
    assert "Write the plan" not in client_for("coordinator").get(reverse("dashboard")).content.decode()


def test_the_owner_may_update_the_status_only(world, client_for):
    hc = hf.health_check(world)
    action = _action(world, hc, owner="member")
    client = client_for("member")
    page = client.get(reverse("healthcheck:action_edit", args=[action.pk])).content.decode()
    assert 'name="status"' in page and 'name="description"' not in page
    response = client.post(
        reverse("healthcheck:action_edit", args=[action.pk]),
        {
            "status": "in_progress",
            "revision": action.revision,
            "description": "Hijacked",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert not response.headers["Location"].startswith("https://evil.example")
    action.refresh_from_db()
    assert (action.status, action.description) == ("in_progress", "Agree a plan")
    # Another member who does not own it can read but not update.
    assert (
        client_for("signatory")
        .post(reverse("healthcheck:action_edit", args=[action.pk]), {"status": "done", "revision": action.revision})
        .status_code
        == 403
    )


def test_the_owner_must_be_a_member_of_the_partnership(world, client_for):
    hc = hf.health_check(world)
    response = client_for("coordinator").post(
        reverse("healthcheck:add_action", args=[hc.pk, "A1"]),
        {"description": "Do it", "owner": world.user("non_member").pk, "due_on": "2027-01-31"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = client_for("coordinator").post(
        reverse("healthcheck:add_action", args=[hc.pk, "A1"]),
        {"description": "Do it", "owner": world.user("member").pk, "due_on": "31 March"},
    )
    assert "Due date must be a real date" in response.content.decode()
    assert not Action.objects.exists()


def test_overdue_reminders_are_sent_once_per_due_date(world):
    hc = hf.health_check(world)
    today = dt.date(2027, 4, 2)
    action = _action(world, hc, owner="lead", due=dt.date(2027, 4, 1))
    _action(world, hc, "A2", owner="lead", due=dt.date(2027, 5, 1))  # not overdue yet
    assert send_overdue_action_reminders(today) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lead@matrix.test"]
    assert "Agree a plan" in mail.outbox[0].body
    assert send_overdue_action_reminders(today) == 0  # idempotent
    call_command("send_reminders", "--today", "2027-04-03", stdout=__import__("io").StringIO())
    assert len(mail.outbox) == 1
    # A new due date earns one new reminder when that one passes too.
    action_plans.update_action(
        world.user("coordinator"),
        action,
        data={
            "description": action.description,
            "owner": action.owner,
            "due_on": dt.date(2027, 4, 20),
            "status": action.status,
        },
        base_revision=action.revision,
    )
    assert send_overdue_action_reminders(dt.date(2027, 4, 21)) == 1
    assert ActionReminder.objects.count() == 2


def test_the_overdue_reminder_reads_well_even_when_the_description_has_line_breaks(world):
    # A description typed in a text area once made the subject two lines (BadHeaderError).
    hc = hf.health_check(world)
    action = _action(
        world, hc, owner="lead", due=dt.date(2027, 4, 1), description="Agree a plan\r\nwith the university & employer"
    )
    assert send_overdue_action_reminders(dt.date(2027, 4, 2)) == 1
    message = mail.outbox[0]
    assert message.subject == "Overdue action: Agree a plan with the university & employer"
    assert message.body == (
        f"The action you own in Matrix Teaching Partnership (A1, health check {hc.academic_year}) "
        "was due on 01 April 2027.\n\n"
        "Agree a plan\r\nwith the university & employer\n\n"
        "Update its status or ask a coordinator to change the due date: "
        f"{settings.SITE_URL}/health-checks/actions/{action.pk}/\n"
    )
    message.message()  # the headers Django would send: refuses a subject that runs over two lines
