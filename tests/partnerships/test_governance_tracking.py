"""Governance that tracks itself (issue 9 item 6, in part): a group that has not met as often as
it should is flagged on the dashboard and its pages; outcomes record measured values over time,
drawn against their target with a rating of progress."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.governance import GRACE_DAYS, MeetingState, chart, meeting_due, progress
from partnerships.models import Measurement
from portal.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 16)


@pytest.mark.parametrize(
    ("frequency", "days_ago", "state"),
    [
        ("quarterly", 92 + GRACE_DAYS, MeetingState.ON_TRACK),  # the last day that still counts
        ("quarterly", 92 + GRACE_DAYS + 1, MeetingState.MISSED),
        ("monthly", 40, MeetingState.ON_TRACK),
        ("monthly", 46, MeetingState.MISSED),
        ("weekly", 22, MeetingState.MISSED),
        ("annually", 370, MeetingState.ON_TRACK),
        ("as-needed", 900, MeetingState.NONE),
    ],
)
def test_when_a_meeting_is_missed(frequency, days_ago, state):
    due = meeting_due(frequency, TODAY - dt.timedelta(days=days_ago), TODAY)
    assert due.state == state


def test_a_group_with_no_meeting_recorded_is_not_flagged():
    due = meeting_due("monthly", None, TODAY)
    assert (due.state, due.in_words) == (MeetingState.NONE, "No meeting recorded yet")


@pytest.mark.parametrize(
    ("values", "target", "higher", "rating", "label"),
    [
        ([], 90, True, "", "not measured yet"),
        ([50, 60], None, True, "", "no target figure"),
        ([70], 90, True, "", "too early to tell"),
        ([70, 90], 90, True, "green", "on target"),
        ([60, 75], 90, True, "amber", "improving"),
        ([75, 60], 90, True, "red", "not improving"),
        ([75, 75], 90, True, "red", "not improving"),
        ([12, 8], 5, False, "amber", "improving"),
        ([12, 4], 5, False, "green", "on target"),
        ([6, 9], 5, False, "red", "not improving"),
    ],
)
def test_the_rating_of_progress(values, target, higher, rating, label):
    found = progress(values, target=target, higher_is_better=higher)
    assert (found.rating, found.label) == (rating, label)


def test_the_chart_puts_the_oldest_left_and_the_target_as_a_line():
    drawn = chart([(dt.date(2026, 1, 1), 50.0), (dt.date(2026, 7, 1), 100.0)], target=80.0, width=320, height=120)
    first, last = drawn.points
    assert first.x < last.x and first.y > last.y  # higher values are drawn higher up
    assert drawn.target_y is not None and last.y < drawn.target_y < first.y


def _board(world, *, frequency="quarterly", days_ago=120):
    group = f.GovernanceGroupFactory(partnership=world.partnership, name="Matrix board", frequency=frequency)
    if days_ago is not None:
        f.MeetingFactory(group=group, held_on=timezone.localdate() - dt.timedelta(days=days_ago))
    return group


def _dashboard(client) -> str:
    return html.unescape(client.get(reverse("dashboard")).content.decode())


def test_a_missed_meeting_is_on_the_dashboard_of_those_who_record_meetings(world, client_for):
    group = _board(world, days_ago=120)
    last = (timezone.localdate() - dt.timedelta(days=120)).strftime("%-d %B %Y")
    for role in ("lead", "coordinator"):
        page = _dashboard(client_for(role))
        assert f"Matrix board has not met since {last}: record its meeting" in page, role
        assert reverse("partnerships:group_detail", args=[world.partnership.slug, group.pk]) in page
    assert "Matrix board has not met" not in _dashboard(client_for("member"))
    assert "Matrix board has not met" not in _dashboard(client_for("non_member"))


def test_groups_that_met_on_time_meet_as_needed_or_never_met_are_not_flagged(world, client_for):
    _board(world, days_ago=30)
    f.GovernanceGroupFactory(partnership=world.partnership, name="Forum", frequency="as-needed")
    f.GovernanceGroupFactory(partnership=world.partnership, name="New panel", frequency="monthly")
    assert "has not met since" not in _dashboard(client_for("lead"))


def test_the_group_and_partnership_pages_say_whether_a_meeting_was_missed(world, client_for):
    group = _board(world, days_ago=120)
    client = client_for("member")
    page = html.unescape(
        client.get(reverse("partnerships:group_detail", args=[world.partnership.slug, group.pk])).content.decode()
    )
    assert "Meeting missed" in page and "govuk-tag--red" in page
    assert "A meeting is missed when a group has not met within its frequency" in page
    tab = html.unescape(
        client.get(reverse("partnerships:partnership_detail", args=[world.partnership.slug])).content.decode()
    )
    assert "Meeting missed" in tab and "Missed: the next meeting was due by" in tab


def _outcome(world):
    aim = f.AimFactory(partnership=world.partnership, title="Every student placed")
    return f.OutcomeFactory(aim=aim, target_value=100, higher_is_better=True)


def _url(world, outcome):
    return reverse("partnerships:outcome_detail", args=[world.partnership.slug, outcome.pk])


def test_a_lead_records_values_and_sees_them_charted_against_the_target(world, client_for):
    outcome = _outcome(world)
    client = client_for("lead")
    for on, value in (("2026-01-15", "60"), ("2026-06-15", "75"), ("2026-10-15", "85")):
        response = client.post(_url(world, outcome), {"measured_on": on, "value": value, "note": "Census"})
        assert response.status_code == 302, response.content.decode()[:500]
    assert list(outcome.measurements.values_list("value", flat=True)) == [60, 75, 85]
    event = AuditEvent.objects.filter(action="outcome.measured").latest("id")
    assert event.summary == "Recorded 85 for the outcome “Every student has a statutory placement” on 15 October 2026"
    page = html.unescape(client.get(_url(world, outcome)).content.decode())
    assert '<svg class="portal-outcome-chart"' in page and 'role="img"' in page
    assert (
        "3 values measured from 15 January 2026 to 15 October 2026 against a target of 100: first 60, latest 85. "
        "Progress: Amber: improving." in page
    )
    assert "govuk-tag--orange" in page and "Improving" in page
    assert "15 June 2026" in page  # the table of values beside the chart
    tab = html.unescape(
        client.get(reverse("partnerships:partnership_detail", args=[world.partnership.slug])).content.decode()
    )
    assert "Improving; latest 85 on 15 October 2026" in tab


def test_a_second_value_on_the_same_day_is_refused(world, client_for):
    outcome = _outcome(world)
    client = client_for("lead")
    client.post(_url(world, outcome), {"measured_on": "2026-06-15", "value": "75"})
    response = client.post(_url(world, outcome), {"measured_on": "2026-06-15", "value": "80"})
    assert response.status_code == 200
    assert "A value is already recorded for 15 June 2026" in html.unescape(response.content.decode())
    assert Measurement.objects.filter(outcome=outcome).count() == 1


def test_members_read_the_progress_but_cannot_record(world, client_for):
    outcome = _outcome(world)
    Measurement.objects.create(outcome=outcome, measured_on=dt.date(2026, 6, 15), value=100)
    client = client_for("member")
    page = html.unescape(client.get(_url(world, outcome)).content.decode())
    assert "Green" in page and "On target" in page
    assert 'name="value"' not in page
    assert client.post(_url(world, outcome), {"measured_on": "2026-07-01", "value": "1"}).status_code == 403
    assert client_for("non_member").get(_url(world, outcome)).status_code == 404


# --- Actions decided at a meeting: the same owner/due-date action as health checks' action plans ---


def test_decisions_carry_actions_with_an_owner_and_due_date_that_fall_overdue(world, client_for):
    from healthcheck.models import Action as HealthCheckAction
    from partnerships.models import DecisionAction, OwnedAction

    assert issubclass(DecisionAction, OwnedAction) and issubclass(HealthCheckAction, OwnedAction)
    group = _board(world, days_ago=30)
    meeting = group.meetings.get()
    client = client_for("coordinator")
    add = reverse("partnerships:decision_action_add", args=[world.partnership.slug, meeting.pk])
    due = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        add,
        {
            "description": "Write the placement plan",
            "owner": world.user("member").pk,
            "due_on": due.isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    action = DecisionAction.objects.get()
    assert (action.owner, action.due_on, action.status) == (world.user("member"), due, "not_started")
    assert AuditEvent.objects.filter(action="meeting.action_added").exists()
    page = html.unescape(
        client.get(reverse("partnerships:group_detail", args=[world.partnership.slug, group.pk])).content.decode()
    )
    assert "Write the placement plan" in page and "Not started" in page
    # Past its due date it is on its owner's dashboard, marked overdue on the group page.
    DecisionAction.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    member = client_for("member")
    assert f"{group.name}: Write the placement plan" in _dashboard(member)
    assert "Overdue" in html.unescape(
        member.get(reverse("partnerships:group_detail", args=[world.partnership.slug, group.pk])).content.decode()
    )
    # The owner updates its status only; done, it leaves the dashboard.
    edit = reverse("partnerships:decision_action_edit", args=[world.partnership.slug, action.pk])
    form = member.get(edit).content.decode()
    assert 'name="status"' in form and 'name="description"' not in form
    action.refresh_from_db()
    assert member.post(edit, {"status": "done", "revision": action.revision}).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("done", timezone.localdate())
    assert "Write the placement plan" not in _dashboard(member)


def test_an_action_owner_must_be_a_member_and_others_cannot_update_it(world, client_for):
    from partnerships import services
    from partnerships.models import DecisionAction

    meeting = _board(world, days_ago=30).meetings.get()
    with pytest.raises(Exception, match="member of this partnership"):
        services.add_decision_action(
            world.user("lead"), meeting, description="x", owner=world.user("non_member"), due_on=TODAY
        )
    action = DecisionAction.objects.create(
        meeting=meeting, description="Agree the plan", owner=world.user("coordinator"), due_on=TODAY
    )
    edit = reverse("partnerships:decision_action_edit", args=[world.partnership.slug, action.pk])
    assert client_for("signatory").get(edit).status_code == 403
    assert client_for("non_member").get(edit).status_code == 404
