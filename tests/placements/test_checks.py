"""Pre-placement checks: the partnership's register, students' records of each check, the rule
that a placement is confirmed only with every required check valid on its first day (or a
reason), the states the student page shows, and the count of checks expiring soon that the
dashboard, the checks page and the selector agree on."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from placements.models import CheckRequirement, Placement, StudentCheck
from placements.rules import add_months, check_expiry
from placements.selectors.figures import checks_expiring_counts, checks_expiring_soon
from placements.services.allocations import allocate, change_status
from placements.services.checks import add_requirement, record_check, remove_check, update_requirement
from portal.models import AuditEvent
from portal.registry import attention_for
from tests.placements.factories import OfferFactory, PlacementFactory, StudentFactory, placements_world

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def pw(world):
    return placements_world(world)


@pytest.fixture
def register(world):
    return {
        "dbs": CheckRequirement.objects.create(
            partnership=world.partnership, name="Enhanced DBS check", valid_for_months=36
        ),
        "health": CheckRequirement.objects.create(partnership=world.partnership, name="Occupational health clearance"),
        "optional": CheckRequirement.objects.create(
            partnership=world.partnership, name="Driving licence seen", required=False
        ),
    }


def _today() -> dt.date:
    return timezone.localdate()


# --- The register -------------------------------------------------------------------------------


def test_a_coordinator_adds_a_check_to_the_register_and_it_is_audited(world, client_for):
    response = client_for("coordinator").post(
        "/placements/partnership/matrix-tp/checks/new/",
        {"name": "Enhanced  DBS check", "valid_for_months": "36", "required": "on"},
        follow=True,
    )
    html = response.content.decode()
    assert "Enhanced DBS check added to the checks" in html
    assert "36 months" in html
    requirement = CheckRequirement.objects.get(partnership=world.partnership)
    assert (requirement.name, requirement.valid_for_months, requirement.required) == ("Enhanced DBS check", 36, True)
    event = AuditEvent.objects.get(action="check_requirement.added")
    assert event.summary == "Added the pre-placement check “Enhanced DBS check”"


def test_a_member_cannot_change_the_register(world, register):
    with pytest.raises(PermissionDenied):
        add_requirement(world.user("member"), world.partnership, data={"name": "X", "valid_for_months": None})
    with pytest.raises(PermissionDenied):
        update_requirement(world.user("member"), register["dbs"], data={"name": "Y"}, base_revision=1)


def test_a_second_check_with_the_same_name_is_refused_beside_the_field(world, register, client_for):
    response = client_for("lead").post(
        "/placements/partnership/matrix-tp/checks/new/", {"name": "enhanced dbs check", "valid_for_months": ""}
    )
    assert response.status_code == 200
    assert "This partnership already has a check with this name" in response.content.decode()
    assert CheckRequirement.objects.filter(partnership=world.partnership).count() == 3


def test_changing_a_check_on_a_stale_revision_is_refused(world, register):
    lead = world.user("lead")
    update_requirement(lead, register["dbs"], data={"valid_for_months": 24}, base_revision=1)
    from portal.exceptions import StaleEdit

    with pytest.raises(StaleEdit):
        update_requirement(lead, register["dbs"], data={"valid_for_months": 12}, base_revision=1)
    assert CheckRequirement.objects.get(pk=register["dbs"].pk).valid_for_months == 24
    assert AuditEvent.objects.filter(action="check_requirement.updated").count() == 1


def test_removing_a_check_removes_the_students_records_of_it(world, pw, register, client_for):
    StudentCheck.objects.create(student=pw["student"], requirement=register["dbs"], done_on=D(2025, 1, 7))
    client = client_for("lead")
    page = client.get(f"/placements/checks/{register['dbs'].pk}/remove/").content.decode()
    assert "The 1 student record of it go too." in page
    client.post(f"/placements/checks/{register['dbs'].pk}/remove/")
    assert not CheckRequirement.objects.filter(pk=register["dbs"].pk).exists()
    assert not StudentCheck.objects.filter(student=pw["student"]).exists()
    assert "and 1 student record of it" in AuditEvent.objects.get(action="check_requirement.removed").summary


# --- A student's checks -------------------------------------------------------------------------


def test_the_expiry_date_is_worked_out_from_the_rule_unless_entered(world, pw, register):
    coordinator = world.user("coordinator")
    student = pw["student"]
    dbs = record_check(
        coordinator,
        student,
        register["dbs"],
        data={"done_on": D(2025, 1, 7), "expires_on": None, "note": ""},
        today=_today(),
    )
    assert dbs.expires_on == D(2028, 1, 7)
    health = record_check(
        coordinator,
        student,
        register["health"],
        data={"done_on": D(2025, 2, 3), "expires_on": D(2026, 12, 1), "note": "Held by the university"},
        today=_today(),
    )
    assert health.expires_on == D(2026, 12, 1)
    assert dbs.recorded_by == coordinator
    event = AuditEvent.objects.filter(action="student_check.recorded").order_by("id").first()
    assert (
        event.summary
        == f"Recorded Enhanced DBS check for {student.reference}: done 7 January 2025, valid until 7 January 2028"
    )
    # The note is free text about a person: the trail says it changed, not what it says.
    assert "Held by the university" not in str(
        AuditEvent.objects.filter(action="student_check.recorded").values_list("changes", flat=True)
    )


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    assert add_months(D(2024, 2, 29), 36) == D(2027, 2, 28)
    assert add_months(D(2026, 11, 30), -36) == D(2023, 11, 30)
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert check_expiry(D(2026, 1, 5), None) is None


def test_a_check_done_in_the_future_or_expiring_before_it_was_done_is_refused(world, pw, register):
    coordinator = world.user("coordinator")
    with pytest.raises(ValidationError) as future:
        record_check(
            coordinator,
            pw["student"],
            register["dbs"],
            data={"done_on": _today() + dt.timedelta(days=1), "expires_on": None, "note": ""},
            today=_today(),
        )
    assert "done_on" in future.value.message_dict
    with pytest.raises(ValidationError) as backwards:
        record_check(
            coordinator,
            pw["student"],
            register["health"],
            data={"done_on": D(2026, 1, 5), "expires_on": D(2026, 1, 5), "note": ""},
            today=_today(),
        )
    assert "expires_on" in backwards.value.message_dict
    assert not StudentCheck.objects.exists()


def test_a_member_cannot_record_a_check_and_a_changed_record_on_a_stale_revision_is_refused(world, pw, register):
    from portal.exceptions import StaleEdit

    data = {"done_on": D(2025, 1, 7), "expires_on": None, "note": ""}
    with pytest.raises(PermissionDenied):
        record_check(world.user("member"), pw["student"], register["dbs"], data=data, today=_today())
    entry = record_check(world.user("lead"), pw["student"], register["dbs"], data=data, today=_today())
    record_check(
        world.user("lead"),
        pw["student"],
        register["dbs"],
        data={**data, "done_on": D(2025, 2, 7)},
        today=_today(),
        entry=entry,
        base_revision=1,
    )
    with pytest.raises(StaleEdit):
        record_check(
            world.user("lead"),
            pw["student"],
            register["dbs"],
            data={**data, "done_on": D(2025, 3, 7)},
            today=_today(),
            entry=entry,
            base_revision=1,
        )
    entry.refresh_from_db()
    assert (entry.done_on, entry.expires_on, entry.revision) == (D(2025, 2, 7), D(2028, 2, 7), 2)


def test_removing_a_students_check_is_audited_on_the_student(world, pw, register):
    entry = StudentCheck.objects.create(student=pw["student"], requirement=register["dbs"], done_on=D(2025, 1, 7))
    with pytest.raises(PermissionDenied):
        remove_check(world.user("member"), entry)
    remove_check(world.user("coordinator"), entry)
    assert not StudentCheck.objects.exists()
    event = AuditEvent.objects.get(action="student_check.removed")
    assert event.summary == f"Removed the record of Enhanced DBS check for {pw['student'].reference}"


def test_the_student_page_shows_each_check_with_a_coloured_tag_and_its_word(world, pw, register, client_for):
    today = _today()
    student = pw["student"]
    StudentCheck.objects.create(
        student=student, requirement=register["dbs"], done_on=D(2024, 1, 5), expires_on=today + dt.timedelta(days=10)
    )
    StudentCheck.objects.create(
        student=student, requirement=register["health"], done_on=D(2023, 1, 5), expires_on=today
    )
    html = client_for("member").get(f"/placements/students/{student.pk}/").content.decode()
    assert '<strong class="govuk-tag govuk-tag--yellow">Expires soon</strong>' in html
    # On its expiry date a check no longer counts.
    assert '<strong class="govuk-tag govuk-tag--red">Expired</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--grey">Missing</strong>' in html  # the optional one
    assert "Record<span" not in html  # a member reads, does not record
    StudentCheck.objects.filter(requirement=register["health"]).update(expires_on=None)
    html = client_for("coordinator").get(f"/placements/students/{student.pk}/").content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">Done</strong>' in html
    assert "Does not expire" in html
    assert f"/placements/students/{student.pk}/checks/{register['optional'].pk}/" in html


def test_a_coordinator_records_a_check_on_its_page(world, pw, register, client_for):
    student = pw["student"]
    url = f"/placements/students/{student.pk}/checks/{register['dbs'].pk}/"
    response = client_for("coordinator").post(
        url, {"done_on_0": "7", "done_on_1": "1", "done_on_2": "2025", "note": ""}, follow=True
    )
    assert "Enhanced DBS check recorded" in response.content.decode()
    assert StudentCheck.objects.get(student=student).expires_on == D(2028, 1, 7)


# --- The confirm gate ---------------------------------------------------------------------------


@pytest.fixture
def proposed(world, pw, register):
    """A proposed placement starting on 11 January 2027 (the frozen today is in November 2026)."""
    return PlacementFactory(
        offer=pw["offer"],
        student=StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"]),
        status="proposed",
    )


def test_a_placement_cannot_be_confirmed_while_a_required_check_is_missing(world, proposed, register):
    StudentCheck.objects.create(
        student=proposed.student, requirement=register["dbs"], done_on=D(2025, 1, 7), expires_on=D(2028, 1, 7)
    )
    with pytest.raises(ValidationError) as refused:
        change_status(world.user("coordinator"), proposed, status="confirmed", base_revision=proposed.revision)
    message = refused.value.message_dict["checks_reason"][0]
    assert "Occupational health clearance" in message and "Enhanced DBS check" not in message
    assert "Driving licence seen" not in message  # not required for every placement
    assert Placement.objects.get(pk=proposed.pk).status == "proposed"


def test_a_check_valid_today_but_expired_by_the_first_day_blocks_confirming(world, proposed, register):
    StudentCheck.objects.create(student=proposed.student, requirement=register["health"], done_on=D(2025, 1, 7))
    # Valid today (16 November 2026), runs out before the placement starts on 11 January 2027.
    StudentCheck.objects.create(
        student=proposed.student, requirement=register["dbs"], done_on=D(2023, 12, 1), expires_on=D(2026, 12, 1)
    )
    with pytest.raises(ValidationError) as refused:
        change_status(world.user("coordinator"), proposed, status="confirmed", base_revision=proposed.revision)
    assert "Enhanced DBS check on 11 January 2027" in refused.value.message_dict["checks_reason"][0]
    StudentCheck.objects.filter(requirement=register["dbs"]).update(expires_on=D(2027, 1, 12))
    confirmed = change_status(world.user("coordinator"), proposed, status="confirmed", base_revision=proposed.revision)
    assert confirmed.status == "confirmed" and confirmed.checks_reason == ""


def test_a_reason_lets_the_coordinator_confirm_and_is_kept_on_the_placement_and_in_the_trail(
    world, proposed, client_for
):
    client = client_for("coordinator")
    url = f"/placements/{proposed.pk}/status/"
    refused = client.post(url, {"status": "confirmed", "revision": proposed.revision, "completed_days": "0"})
    assert refused.status_code == 200
    assert "say in the box why the placement is confirmed without it" in refused.content.decode()
    reason = "The DBS check is applied for; the employer agreed a supervised start"
    response = client.post(
        url, {"status": "confirmed", "revision": proposed.revision, "completed_days": "0", "checks_reason": reason}
    )
    assert response.status_code == 302
    placement = Placement.objects.get(pk=proposed.pk)
    assert (placement.status, placement.checks_reason) == ("confirmed", reason)
    event = AuditEvent.objects.filter(action="placement.status_changed").latest("id")
    assert event.changes["checks_reason"] == ["", reason]


def test_placing_a_student_straight_away_as_confirmed_passes_the_same_gate(world, pw, register):
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    offer = OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=pw["year"])
    where = {
        "offer": offer,
        "stage": "final",
        "starts_on": offer.starts_on,
        "ends_on": offer.ends_on,
        "planned_days": 100,
    }
    with pytest.raises(ValidationError) as refused:
        allocate(world.user("lead"), student, status="confirmed", **where)
    assert "checks_reason" in refused.value.message_dict
    # Proposing needs no checks: they are asked for when it is confirmed.
    proposed = allocate(world.user("lead"), student, status="proposed", **where)
    assert proposed.checks_reason == ""
    proposed.delete()
    placement = allocate(world.user("lead"), student, status="confirmed", checks_reason="Checks booked", **where)
    assert placement.checks_reason == "Checks booked"
    event = AuditEvent.objects.filter(action="placement.created").latest("id")
    assert event.changes["checks_reason"] == [None, "Checks booked"]


# --- Checks expiring soon: one count everywhere -------------------------------------------------


def test_the_dashboard_the_checks_page_and_the_selector_count_the_same_checks(world, pw, register, client_for):
    today = _today()
    student = pw["student"]
    other = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    StudentCheck.objects.create(
        student=student, requirement=register["dbs"], done_on=D(2023, 12, 1), expires_on=today + dt.timedelta(days=30)
    )
    StudentCheck.objects.create(
        student=other, requirement=register["dbs"], done_on=D(2023, 12, 1), expires_on=today + dt.timedelta(days=3)
    )
    # Not counted: expires in 31 days, expired today, a student whose data was removed.
    StudentCheck.objects.create(
        student=student,
        requirement=register["health"],
        done_on=D(2023, 12, 1),
        expires_on=today + dt.timedelta(days=31),
    )
    StudentCheck.objects.create(student=other, requirement=register["health"], done_on=D(2023, 12, 1), expires_on=today)
    purged = StudentFactory(
        partnership=world.partnership, programme=pw["programme"], final_year=pw["year"], purged_on=today
    )
    StudentCheck.objects.create(
        student=purged, requirement=register["dbs"], done_on=D(2023, 12, 1), expires_on=today + dt.timedelta(days=5)
    )

    assert checks_expiring_soon([world.partnership.pk], today).count() == 2
    assert checks_expiring_counts([world.partnership.pk], today) == {
        world.partnership.pk: (2, today + dt.timedelta(days=3))
    }
    page = client_for("member").get("/placements/partnership/matrix-tp/checks/").content.decode()
    assert "2 checks expiring." in page
    items = [i for i in attention_for(world.user("coordinator")) if i.kind == "Pre-placement checks"]
    assert [i.title for i in items] == ["2 pre-placement checks expiring in the next 30 days"]
    assert items[0].url == "/placements/partnership/matrix-tp/checks/#expiring"
    dashboard = client_for("coordinator").get("/").content.decode()
    assert "2 pre-placement checks expiring in the next 30 days" in dashboard
    assert not [i for i in attention_for(world.user("member")) if i.kind == "Pre-placement checks"]


def test_the_checks_page_keeps_its_queries_flat(world, pw, register, client_for, django_assert_max_num_queries):
    today = _today()
    client = client_for("lead")

    def add(n):
        for _ in range(n):
            student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
            StudentCheck.objects.create(
                student=student,
                requirement=register["dbs"],
                done_on=D(2023, 12, 1),
                expires_on=today + dt.timedelta(days=9),
            )

    add(2)
    with django_assert_max_num_queries(12):
        assert client.get("/placements/partnership/matrix-tp/checks/").status_code == 200
    add(30)
    with django_assert_max_num_queries(12):
        assert client.get("/placements/partnership/matrix-tp/checks/").status_code == 200
    student = pw["student"]
    with django_assert_max_num_queries(20):
        assert client.get(f"/placements/students/{student.pk}/").status_code == 200
