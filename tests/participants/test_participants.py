"""Students and practice educators who sign in: invitations, their own page, reviews the
practice educator completes and signs, days the student records and the educator confirms, and
closing a purged student's sign-in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.test import Client

from participants import services
from participants.models import DaysLog, DaysStatus, EducatorAccount, ReviewSignature, StudentAccount
from partnerships.models import Membership
from placements.models import Placement, QualityReview
from placements.selectors.figures import review_figures
from portal.models import AuditEvent, User
from tests.factories import PASSWORD
from tests.participants.factories import own_placement, world_student
from tests.placements import factories as pf

pytestmark = pytest.mark.django_db
D = dt.date


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


# --- Invitations -------------------------------------------------------------------------------


def test_a_coordinator_invites_a_student_who_sets_a_password_and_sees_only_their_page(world, client_for):
    student = pf.StudentFactory(partnership=world.partnership, reference="S-INVITE", name="Ivy Invited")
    coordinator = client_for("coordinator")
    page = coordinator.get(f"/placements/students/{student.pk}/").content.decode()
    assert f"/placements/students/{student.pk}/invite/" in page
    response = coordinator.post(
        f"/placements/students/{student.pk}/invite/", {"email": "Ivy@Example.org", "full_name": ""}, follow=True
    )
    assert "Invitation sent to ivy@example.org." in response.content.decode()
    user = User.objects.get(email="ivy@example.org")
    assert user.full_name == "Ivy Invited" and not user.has_usable_password()
    assert StudentAccount.objects.get(user=user).student == student
    assert not Membership.objects.filter(user=user).exists()
    assert _last("student_account.invited").summary == "Invited student S-INVITE to sign in"
    (message,) = mail.outbox
    assert message.to == ["ivy@example.org"] and "as a student" in message.body

    link = re.search(r"https?://[^/\s]+(/accounts/welcome/\S+/)", message.body).group(1)
    client = Client()
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-passphrase", "new_password2": "a-long-new-passphrase"},
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/your-placements/"
    assert "Student S-INVITE" in html and "You have no placements yet" in html
    # Partnership pages stay closed: they are not a member.
    assert client.get(f"/partnerships/{world.partnership.slug}/").status_code == 404
    assert client.get(f"/placements/students/{student.pk}/").status_code == 404


def test_inviting_again_before_a_password_is_set_resends_and_a_second_student_cannot_take_the_address(world):
    student = pf.StudentFactory(partnership=world.partnership, name="Ivy")
    services.invite_student(world.user("coordinator"), student, email="ivy@example.org")
    again = services.invite_student(world.user("coordinator"), student, email="ivy@example.org")
    assert again.resent and len(mail.outbox) == 2
    other = pf.StudentFactory(partnership=world.partnership, name="Other")
    with pytest.raises(ValidationError, match="already signs in for someone else"):
        services.invite_student(world.user("coordinator"), other, email="ivy@example.org")


def test_only_those_who_manage_placements_invite(world):
    student = pf.StudentFactory(partnership=world.partnership, name="Ivy")
    with pytest.raises(PermissionDenied):
        services.invite_student(world.user("member"), student, email="ivy@example.org")
    with pytest.raises(Http404):
        services.invite_student(world.user("non_member"), student, email="ivy@example.org")
    assert not StudentAccount.objects.filter(student=student).exists() and mail.outbox == []


def test_a_coordinator_invites_a_practice_educator_at_their_register_address(world):
    educator = pf.EducatorFactory(partnership=world.partnership, employer=world.employer, email="pat@example.org")
    invitation = services.invite_educator(world.user("coordinator"), educator)
    assert invitation.new_account and invitation.user.email == "pat@example.org"
    assert EducatorAccount.objects.get(user=invitation.user).educator == educator
    assert "as a practice educator" in mail.outbox[0].body
    assert _last("educator_account.invited").partnership_id == world.partnership.pk


# --- A student sees their own placements only ----------------------------------------------------


def test_a_student_sees_their_own_placements_and_never_another_student(world, client_for):
    mine = own_placement(world, team="Duty Team")
    other_student = pf.StudentFactory(partnership=world.partnership, reference="S-OTHER")
    theirs = own_placement(world, team="Fostering Team", student=other_student)
    client = client_for("student")
    html = client.get("/your-placements/").content.decode()
    assert "Duty Team" in html and "Fostering Team" not in html and "S-OTHER" not in html
    assert "0 of 100 days" in html and "0 of 30</strong> skills days" in html
    assert client.get(f"/your-placements/{mine.pk}/").status_code == 200
    assert client.get(f"/your-placements/{theirs.pk}/").status_code == 404
    assert client.get(f"/your-placements/{theirs.pk}/days/new/").status_code == 404
    # The educator supports both and sees both.
    html = client_for("educator").get("/your-placements/").content.decode()
    assert "S-OTHER" in html and world_student(world).reference in html


# --- Reviews the practice educator completes and signs -------------------------------------------


def _review_post(**extra) -> dict:
    return {
        "point": "four-weeks",
        "learning_opportunities": "good",
        "support": "very-good",
        "performance": "on-track",
        "comments": "Settling in well.",
        "completed_on": "2026-10-12",
        "typed_name": "Eddie Educator",
        "declaration": "on",
        "password": PASSWORD,
        **extra,
    }


def test_the_practice_educator_completes_and_signs_a_review_and_it_counts_for_the_coordinator(world, client_for):
    placement = own_placement(world)
    year = placement.academic_year
    assert [line.point for line in review_figures([world.partnership.pk], year).overdue] == ["four-weeks"]
    client = client_for("educator")
    home = client.get("/your-placements/").content.decode()
    assert "1 review to complete" in home
    url = f"/your-placements/{placement.pk}/review/"
    response = client.post(url, _review_post(), follow=True)
    assert "The four weeks review is signed." in response.content.decode()
    review = QualityReview.objects.get(placement=placement)
    assert (review.role, review.recorded_by) == ("educator", world.user("educator"))
    signature = ReviewSignature.objects.get(review=review)
    assert signature.typed_name == "Eddie Educator" and signature.signed_by == world.user("educator")
    assert _last("educator_review.signed").summary == (
        f"The practice educator completed and signed the four weeks review for {placement.student.reference}"
    )
    # The coordinator's figures and placement page count it: nothing overdue now.
    assert review_figures([world.partnership.pk], year).overdue == []
    html = client_for("coordinator").get(f"/placements/{placement.pk}/").content.decode()
    assert "Practice educator" in html
    # A signed review is final.
    with pytest.raises(ValidationError, match="already signed"):
        services.complete_review(
            world.user("educator"),
            placement,
            data={**_review_post(), "completed_on": D(2026, 10, 12)},
            typed_name="Eddie Educator",
            declared=True,
            password_confirmed=True,
        )


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"password": "not-the-password"}, "The password is not correct"),
        ({"typed_name": "Someone Else"}, "Type your full name exactly as on your account"),
        ({"declaration": ""}, "Confirm the declaration to sign the review"),
        ({"completed_on": "2026-09-01"}, "cannot be dated before the placement started"),
        ({"completed_on": "2026-12-01"}, "cannot be in the future"),
    ],
)
def test_a_review_is_not_signed_without_the_password_name_declaration_or_a_right_date(world, client_for, change, error):
    placement = own_placement(world)
    response = client_for("educator").post(f"/your-placements/{placement.pk}/review/", _review_post(**change))
    assert response.status_code == 200 and error in response.content.decode()
    assert not QualityReview.objects.filter(placement=placement).exists()


def test_only_the_placements_practice_educator_completes_its_reviews(world):
    placement = own_placement(world)
    elsewhere = pf.PlacementFactory(
        offer__partnership=world.partnership, offer__employer=world.employer, status="in-progress"
    )
    kwargs = dict(
        data={**_review_post(), "completed_on": D(2026, 10, 12)},
        typed_name="x",
        declared=True,
        password_confirmed=True,
    )
    for role, target in [("student", placement), ("coordinator", placement), ("educator", elsewhere)]:
        with pytest.raises(Http404):
            services.complete_review(world.user(role), target, **kwargs)


# --- Days: recorded by the student, confirmed by the practice educator ----------------------------


def test_days_recorded_then_confirmed_count_in_completed_days_and_queried_ones_do_not(world, client_for):
    placement = own_placement(world)
    student = client_for("student")
    response = student.post(
        f"/your-placements/{placement.pk}/days/new/", {"week_ending": "2026-09-18", "days": "5"}, follow=True
    )
    assert "Recorded 5 days in the week ending 18 September 2026" in response.content.decode()
    student.post(f"/your-placements/{placement.pk}/days/new/", {"week_ending": "2026-09-25", "days": "4"})
    first, second = DaysLog.objects.filter(placement=placement).order_by("week_ending")
    assert placement.completed_days == 0

    educator = client_for("educator")
    html = educator.get(f"/your-placements/{placement.pk}/").content.decode()
    assert "9 more waiting for the practice educator" in html
    educator.post(f"/your-placements/days/{first.pk}/", {"decision": "confirm", "revision": "1"})
    educator.post(
        f"/your-placements/days/{second.pk}/", {"decision": "query", "query": "You were on leave", "revision": "1"}
    )
    placement.refresh_from_db()
    assert placement.completed_days == 5
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (DaysStatus.CONFIRMED, DaysStatus.QUERIED)
    assert _last("days_log.confirmed").changes["completed_days"] == [0, 5]
    html = student.get(f"/your-placements/{placement.pk}/").content.decode()
    assert "5 of 100 days" in html and "You were on leave" in html
    # Deciding twice is refused.
    with pytest.raises(ValidationError, match="already confirmed"):
        services.confirm_days(world.user("educator"), first, base_revision=2)


def test_days_cannot_be_dated_before_the_start_or_in_the_future_nor_be_confirmed_beyond_the_days_passed(world):
    placement = own_placement(world, completed_days=60)
    student = world.user("student")
    with pytest.raises(ValidationError, match="no days before then"):
        services.record_days(student, placement, week_ending=D(2026, 9, 11), days=3)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.record_days(student, placement, week_ending=D(2026, 11, 20), days=3)
    # 64 days have passed since 14 September (both counted): 60 + 5 would run ahead of them.
    log = services.record_days(student, placement, week_ending=D(2026, 11, 13), days=5)
    with pytest.raises(ValidationError, match="days done cannot be more"):
        services.confirm_days(world.user("educator"), log, base_revision=1)
    placement.refresh_from_db()
    assert placement.completed_days == 60


def test_days_beyond_the_planned_need_the_coordinators_reason(world):
    placement = own_placement(world, completed_days=20, planned_days=22, days_reason="Part-time placement")
    Placement.objects.filter(pk=placement.pk).update(days_reason="")
    log = services.record_days(world.user("student"), placement, week_ending=D(2026, 11, 13), days=5)
    with pytest.raises(ValidationError, match="more than the 22 planned"):
        services.confirm_days(world.user("educator"), log, base_revision=1)
    Placement.objects.filter(pk=placement.pk).update(days_reason="Extended after illness")
    services.confirm_days(world.user("educator"), log, base_revision=1)
    placement.refresh_from_db()
    assert placement.completed_days == 25


def test_only_the_student_records_and_only_their_educator_confirms(world):
    placement = own_placement(world)
    for role in ("educator", "coordinator", "non_member"):
        with pytest.raises(Http404):
            services.record_days(world.user(role), placement, week_ending=D(2026, 9, 18), days=5)
    log = services.record_days(world.user("student"), placement, week_ending=D(2026, 9, 18), days=5)
    for role in ("student", "coordinator", "lead"):
        with pytest.raises(Http404):
            services.confirm_days(world.user(role), log, base_revision=1)


# --- Retention ---------------------------------------------------------------------------------


def test_purging_a_student_closes_their_sign_in(world, client_for):
    old_year = pf.AcademicYearFactory(label="2019/20")
    student = world_student(world)
    type(student).objects.filter(pk=student.pk).update(final_year=old_year)
    client = client_for("student")
    user_pk = world.user("student").pk
    assert client.get("/your-placements/").status_code == 200
    call_command("purge_students", today=D(2026, 9, 1), stdout=__import__("io").StringIO())
    assert not StudentAccount.objects.filter(student=student).exists()
    user = User.objects.get(pk=user_pk)
    assert not user.is_active and user.email.endswith("@invalid") and not user.has_usable_password()
    assert client.get("/your-placements/").status_code == 302  # signed out: the account is closed
    assert _last("student_account.closed").partnership_id == world.partnership.pk
    # The educator keeps theirs.
    assert EducatorAccount.objects.filter(user__email="educator@matrix.test").exists()


def test_the_daily_run_closes_a_sign_in_the_purge_left_open(world):
    """A listener's failure never stops the purge (it is logged and rolled back alone): the daily
    run then closes any purged student's sign-in that is still open."""
    student = world_student(world)
    user_pk = world.user("student").pk
    type(student).objects.filter(pk=student.pk).update(purged_on=D(2026, 9, 1), reference="removed-1")
    assert StudentAccount.objects.filter(student=student).exists()  # as if the listener had failed
    call_command("send_reminders", stdout=__import__("io").StringIO())
    assert not StudentAccount.objects.filter(student=student).exists()
    assert not User.objects.get(pk=user_pk).is_active


# --- Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["student", "educator"])
def test_their_page_costs_the_same_queries_for_few_or_many_placements(
    world, client_for, django_assert_max_num_queries, role
):
    client = client_for(role)
    placement = own_placement(world, team="Team 0")
    services.record_days(world.user("student"), placement, week_ending=D(2026, 9, 18), days=5)
    with django_assert_max_num_queries(10):
        assert client.get("/your-placements/").status_code == 200
    for n in range(1, 8):
        extra = own_placement(
            world, team=f"Team {n}", status="completed", starts_on=D(2020 + n % 5, 1, 6), ends_on=D(2020 + n % 5, 3, 6)
        )
        pf.ReviewFactory(placement=extra, role="educator", completed_on=D(2020 + n % 5, 2, 3))
        DaysLog.objects.create(placement=extra, week_ending=D(2020 + n % 5, 1, 10), days=5)
    with django_assert_max_num_queries(10):
        assert client.get("/your-placements/").status_code == 200
