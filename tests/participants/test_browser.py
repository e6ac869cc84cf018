"""Browser journeys: a coordinator invites a student, who sets a password from the e-mail and
lands on their own page; the practice educator completes and signs a review and confirms days.
axe-core finds nothing on the new pages, at 1280 and 320 pixels wide."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from participants.models import DaysLog, ReviewSignature
from tests.browser.helpers import axe_violations, fill_date, sign_in
from tests.factories import PASSWORD
from tests.participants.factories import own_placement
from tests.placements import factories as pf
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 320)


def _axe_at_every_width(page) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], (page.url, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_student_signs_in_from_the_invitation_and_sees_their_placement(page):
    world = build_world()
    student = pf.StudentFactory(partnership=world.partnership, reference="S-JOURNEY", name="Jess Journey")
    placement = own_placement(world, team="Duty Team", student=student)

    sign_in(page, "coordinator@matrix.test", PASSWORD)
    page.goto(f"/placements/students/{student.pk}/")
    page.get_by_role("link", name="Invite to sign in").click()
    expect(page.get_by_role("heading", level=1, name="Invite the student to sign in")).to_be_visible()
    _axe_at_every_width(page)
    page.get_by_label("Email address").fill("jess@example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to jess@example.org.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    link = re.search(r"https?://[^/\s]+(/accounts/welcome/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.locator("#id_new_password1").fill("a-long-new-passphrase")
    page.locator("#id_new_password2").fill("a-long-new-passphrase")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", level=1, name="Your placements")).to_be_visible()
    assert page.get_by_text("Duty Team").first.is_visible()
    menu = page.locator("#navigation a").all_inner_texts()
    assert menu == ["Your placements"]
    _axe_at_every_width(page)

    page.get_by_role("link", name=re.compile("Open")).click()
    expect(page.get_by_role("heading", level=1, name="Your placement at Duty Team")).to_be_visible()
    _axe_at_every_width(page)
    page.get_by_role("link", name="Record days completed").click()
    fill_date(page, "Week ending", placement.starts_on.replace(day=18))
    page.get_by_label("Days completed that week").fill("5")
    page.get_by_role("button", name="Record days").click()
    expect(page.get_by_text("your practice educator will confirm them")).to_be_visible()
    assert DaysLog.objects.filter(placement=placement).count() == 1


def test_the_practice_educator_signs_a_review_and_confirms_days(page):
    world = build_world()
    placement = own_placement(world, team="Duty Team")
    DaysLog.objects.create(placement=placement, week_ending=placement.starts_on.replace(day=18), days=5)

    sign_in(page, "educator@matrix.test", PASSWORD)
    assert page.get_by_role("heading", level=1, name="Your placements").is_visible()
    assert page.get_by_text("1 review to complete").is_visible()
    _axe_at_every_width(page)
    page.get_by_role("link", name=placement.student.reference).click()
    # The click only starts the navigation: axe on a page being torn down fails inside axe.
    page.wait_for_url(f"**/your-placements/{placement.pk}/")
    page.wait_for_load_state()
    _axe_at_every_width(page)

    page.get_by_role("link", name="Complete and sign a review").click()
    page.get_by_role("button", name="Sign the review").click()  # empty: errors, accessible
    assert page.get_by_text("There is a problem").first.is_visible()
    _axe_at_every_width(page)
    page.get_by_label("Four weeks").check()
    page.get_by_role("group", name="Learning opportunities").get_by_label("Good", exact=True).check()
    page.get_by_role("group", name="Support for the student").get_by_label("Very good", exact=True).check()
    page.get_by_role("group", name="The student's progress").get_by_label("On track", exact=True).check()
    fill_date(page, "Date of the review", placement.starts_on.replace(month=10, day=12))
    page.get_by_label("Type your full name").fill("Eddie Educator")
    page.get_by_label(re.compile("I declare")).check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign the review").click()
    expect(page.get_by_text("The four weeks review is signed.")).to_be_visible()
    assert ReviewSignature.objects.filter(review__placement=placement).exists()

    page.get_by_role("link", name=re.compile("Confirm or query")).click()
    page.wait_for_url("**/your-placements/days/*/")
    page.wait_for_load_state()
    _axe_at_every_width(page)
    page.get_by_label("Yes, confirm them").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("5 of 100 days").first).to_be_visible()
    placement.refresh_from_db()
    assert placement.completed_days == 5
