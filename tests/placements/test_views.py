"""Pages: lists with filters and pagination, forms that keep input and show errors beside
fields, and query counts that stay flat as data grows."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from placements.models import (
    EmployerCommitment,
    Placement,
    PlacementOffer,
    PracticeEducator,
    Programme,
    ProgrammeDemand,
    QualityReview,
    SettingAudit,
    Student,
)
from portal.models import AuditEvent
from tests.placements.factories import (
    OfferFactory,
    PlacementFactory,
    StudentFactory,
    placements_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world):
    return placements_world(world)


def _offer_post(world, year, **over):
    data = {
        "employer": world.employer.pk,
        "team": "Hospital Discharge Team",
        "service_area": "adults",
        "statutory": "on",
        "stage": "final",
        "academic_year": year.pk,
        "places": "2",
        "practice_educator": "",
        "onsite_supervisor": "",
        "starts_on": "2027-01-11",
        "ends_on": "2027-06-04",
        "notes": "",
    }
    data.update(over)
    return data


def test_coordinator_adds_an_offer(world, pw, client_for):
    response = client_for("coordinator").post(
        "/placements/partnership/matrix-tp/offers/new/", _offer_post(world, pw["year"]), follow=True
    )
    assert "Offer added: 2 places at Hospital Discharge Team" in response.content.decode()
    assert AuditEvent.objects.filter(action="offer.created").exists()


def test_bad_offer_input_keeps_the_text_and_shows_errors_beside_fields(world, pw, client_for):
    data = _offer_post(world, pw["year"], places="0", starts_on="2027-13-45", team="Kept Team Name")
    response = client_for("lead").post("/placements/partnership/matrix-tp/offers/new/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Block starts must be a real date" in html
    assert "Enter a number from 1 to 500" in html
    assert 'value="Kept Team Name"' in html
    assert PlacementOffer.objects.filter(team="Kept Team Name").count() == 0


def test_an_employers_coordinator_cannot_choose_another_employer(world, pw, client_for):
    from tests import factories as f

    other = f.OrganisationFactory(name="Other Council")
    f.PartnerFactory(partnership=world.partnership, organisation=other)
    response = client_for("coordinator").post(
        "/placements/partnership/matrix-tp/offers/new/", _offer_post(world, pw["year"], employer=other.pk)
    )
    assert "Select a valid choice" in response.content.decode()


def test_nonsense_query_parameters_do_not_break_lists(world, pw, client_for):
    client = client_for("member")
    for url in [
        "/placements/?page=abc&employer=x&status=zz",
        "/placements/offers/?employer=%00&stage=zz&page=-1",
        "/placements/students/?university=x&flag=zz",
        "/practice-educators/?status=zz&stage=9&employer=q",
        "/placements/sufficiency/?partnership=nope",
        "/placements/?q=%00x&partnership=%00&year=%00",
        "/placements/students/?q=a%00b",
        "/practice-educators/?q=%00",
        "/placements/sufficiency/?partnership=matrix-tp&year=%00",
        "/placements/partnership/matrix-tp/quality/?year=%00",
        "/placements/?employer=99999999999999999999999",
        "/placements/students/?university=-5",
        "/placements/offers/99999999999999999999999/",
        "/placements/99999999999999999999/",
        "/practice-educators/99999999999999999999/",
        "/placements/import-templates/offers.pdf",
    ]:
        assert client.get(url).status_code in (200, 404), url


def test_placing_a_student_through_the_page_shows_overlap_beside_the_dates(world, pw, client_for):
    other = OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=pw["year"], stage="first"
    )
    url = f"/placements/students/{pw['student'].pk}/place/"
    data = {
        "offer": other.pk,
        "stage": "first",
        "starts_on": "2027-03-01",
        "ends_on": "2027-07-01",
        "planned_days": "70",
        "status": "proposed",
    }
    html = client_for("lead").post(url, data).content.decode()
    assert "a student&#x27;s placements cannot overlap" in html
    assert 'name="ends_on_0" value="1"' in html and 'name="ends_on_1" value="7"' in html  # kept
    data.update(starts_on="2027-06-07", ends_on="2027-08-20")
    response = client_for("lead").post(url, data, follow=True)
    assert f"{pw['student'].reference} placed at {other.team}" in response.content.decode()


def test_a_warning_is_shown_before_placing_without_a_statutory_placement(world, pw, client_for):
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    offer = OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=pw["year"], statutory=False
    )
    data = {
        "offer": offer.pk,
        "stage": "final",
        "starts_on": "2027-01-11",
        "ends_on": "2027-06-04",
        "planned_days": "100",
        "status": "proposed",
    }
    url = f"/placements/students/{student.pk}/place/"
    html = client_for("lead").post(url, data).content.decode()
    assert "will finish without the statutory placement" in html
    assert not Placement.objects.filter(student=student).exists()
    # Confirming a different choice than the one warned about does not count.
    client_for("lead").post(url, {**data, "confirm_warnings": f"{offer.pk}:final:2027-01-12:2027-06-04"})
    assert not Placement.objects.filter(student=student).exists()
    html = client_for("lead").post(url, data).content.decode()
    assert 'name="confirm_warnings"' in html
    client_for("lead").post(url, {**data, "confirm_warnings": f"{offer.pk}:final:2027-01-11:2027-06-04"})
    assert Placement.objects.filter(student=student).exists()


def test_status_update_and_review_pages(world, pw, client_for, frozen_clock):
    frozen_clock.move_to(dt.datetime(2027, 2, 10, 10, tzinfo=ZoneInfo("Europe/London")))  # it started on 11 January
    client = client_for("coordinator")
    placement = pw["placement"]
    html = client.post(
        f"/placements/{placement.pk}/status/",
        {"status": "ended-early", "end_reason": "other", "end_notes": "bad\x00text", "revision": "1"},
    ).content.decode()
    assert "There is a problem" in html and "Null characters are not allowed" in html
    response = client.post(f"/placements/{placement.pk}/status/", {"status": "ended-early", "revision": "1"})
    assert "Choose why the placement ended early" in response.content.decode()
    client.post(f"/placements/{placement.pk}/status/", {"status": "in-progress", "revision": "1"})
    placement.refresh_from_db()
    assert placement.status == "in-progress"
    # A stale form (old revision) is refused with a message.
    html = client.post(f"/placements/{placement.pk}/status/", {"status": "completed", "revision": "1"}).content.decode()
    assert "Someone else saved a change" in html
    review = {
        "point": "four-weeks",
        "role": "student",
        "learning_opportunities": "good",
        "support": "very-good",
        "performance": "on-track",
        "comments": "Settled in well",
        "completed_on": "2027-02-08",
    }
    client.post(f"/placements/{placement.pk}/reviews/new/", review)
    assert QualityReview.objects.get().comments == "Settled in well"
    html = client.get(f"/placements/{placement.pk}/").content.decode()
    assert "Settled in well" in html


def test_programme_demand_and_commitment_pages(world, pw, client_for):
    client = client_for("lead")
    client.post(
        "/placements/partnership/matrix-tp/programmes/new/",
        {
            "university": world.university.pk,
            "name": "MA Social Work",
            "level": "ma",
            "first_placement_days": "70",
            "final_placement_days": "100",
            "skills_days": "30",
            "statutory_placements_required": "1",
        },
    )
    programme = Programme.objects.get(name="MA Social Work")
    client.post(
        f"/placements/programmes/{programme.pk}/demand/",
        {"academic_year": pw["year"].pk, "first_placements": "12", "final_placements": "9"},
    )
    assert ProgrammeDemand.objects.get(programme=programme).final_placements == 9
    exported = client.get("/placements/partnership/matrix-tp/programmes/?year=2026/27&export=csv").content.decode(
        "utf-8-sig"
    )
    assert "University of Matrix,MA Social Work,MA (postgraduate),70,100,30,1,2026/27,12,9" in exported
    html = client.get("/placements/partnership/matrix-tp/programmes/?year=2026/27").content.decode()
    assert "MA Social Work" in html
    url = "/placements/partnership/matrix-tp/commitments/"
    data = {"employer": world.employer.pk, "academic_year": pw["year"].pk}
    client.post(url, {**data, "places": "6", "revision": "0"})  # none recorded when the page opened
    # Changing it: the page opens on the employer and year with the number and its revision.
    page = client.get(f"{url}?employer={world.employer.pk}&year=2026/27").content.decode()
    assert 'name="places" value="6"' in page and 'name="revision" value="1"' in page
    client.post(url, {**data, "places": "7", "revision": "1"})
    assert EmployerCommitment.objects.get().places == 7
    # A save from a page that did not show the number recorded now is refused, and says what it is.
    refused = client.post(url, {**data, "places": "9", "revision": "0"}).content.decode()
    assert "changed after you opened this page" in refused and "7 are recorded now" in refused
    assert EmployerCommitment.objects.get().places == 7
    # The sufficiency page links each employer's entered number to this page, opened on it.
    sufficiency = client.get("/placements/sufficiency/?partnership=matrix-tp&year=2026/27").content.decode()
    assert f"{url}?employer={world.employer.pk}&amp;year=2026/27" in sufficiency
    assert 'Change<span class="govuk-visually-hidden"> the places committed by Matrix Borough Council' in sufficiency


def test_student_reference_must_be_unique(world, pw, client_for):
    data = {
        "reference": pw["student"].reference.lower(),
        "name": "",
        "programme": pw["programme"].pk,
        "cohort": "",
        "final_year": pw["year"].pk,
    }
    html = client_for("lead").post("/placements/partnership/matrix-tp/students/new/", data).content.decode()
    assert "already exists" in html
    assert Student.objects.count() == 1


def test_setting_audit(world, pw, client_for):
    client = client_for("coordinator")
    client.post(
        f"/placements/offers/{pw['offer'].pk}/audit/",
        {
            "induction_planned": "on",
            "educator_identified": "on",
            "supervision_arranged": "on",
            "workspace_ready": "on",
            "learning_opportunities_mapped": "on",
            "policies_shared": "on",
            "completed_on": "2026-10-01",
            "shared_with_hei_on": "2026-10-02",
            "notes": "",
        },
    )
    assert SettingAudit.objects.get().is_ready
    assert (
        "shared with the university 2 October 2026"
        in client.get(f"/placements/offers/{pw['offer'].pk}/").content.decode()
    )


def test_quality_page_shows_support_share_and_early_endings(world, pw, client_for):
    from tests.placements.factories import ReviewFactory

    ReviewFactory(placement=pw["placement"], support="good")
    ended = PlacementFactory(offer=pw["offer"], status="ended-early", end_reason="setting")
    html = client_for("member").get("/placements/partnership/matrix-tp/quality/?year=2026/27").content.decode()
    assert "100% (1 of 1 student reviews)" in html
    assert "the setting could not continue (staffing, restructure) (1)" in html
    assert ended.student.reference in html


def test_placement_list_filters_and_empty_state(world, pw, client_for):
    client = client_for("member")
    html = client.get("/placements/").content.decode()
    assert pw["student"].reference in html
    html = client.get("/placements/?status=completed").content.decode()
    assert pw["student"].reference not in html and "No placements match" in html


def _bulk_placements(world, year, count):
    offer = OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=year, places=count)
    programme = Programme.objects.filter(partnership=world.partnership).first()
    prefix = Student.objects.count()
    students = Student.objects.bulk_create(
        [
            Student(
                partnership=world.partnership,
                reference=f"B{prefix}-{i}",
                university=world.university,
                programme=programme,
                final_year=year,
            )
            for i in range(count)
        ]
    )
    Placement.objects.bulk_create(
        [
            Placement(
                partnership=world.partnership,
                academic_year=year,
                student=s,
                offer=offer,
                stage="final",
                starts_on=dt.date(2027, 1, 1) + dt.timedelta(days=i % 300),
                ends_on=dt.date(2027, 12, 1),
                planned_days=100,
                status="confirmed",
            )
            for i, s in enumerate(students)
        ]
    )


def test_placement_list_queries_stay_flat_on_first_and_late_pages(world, pw, client_for, django_assert_max_num_queries):
    client = client_for("lead")
    with django_assert_max_num_queries(12):
        assert client.get("/placements/").status_code == 200
    _bulk_placements(world, pw["year"], 10_000)
    with django_assert_max_num_queries(12):
        assert client.get("/placements/").status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get("/placements/?page=200")
    assert response.context["page_obj"].number == 200
    assert len(response.context["page_obj"].object_list) == 50


def test_offer_and_student_lists_queries_stay_flat(world, pw, client_for, django_assert_max_num_queries):
    client = client_for("lead")
    for url in ["/placements/offers/", "/placements/students/"]:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
    _bulk_placements(world, pw["year"], 300)
    OfferFactory.create_batch(60, partnership=world.partnership, employer=world.employer, academic_year=pw["year"])
    for url in ["/placements/offers/", "/placements/students/?page=3"]:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_detail_pages_render(world, pw, client_for):
    client = client_for("member")
    html = client.get(f"/placements/offers/{pw['offer'].pk}/").content.decode()
    assert pw["educator"].full_name in html and "1 taken, 1 free" in html
    html = client.get(f"/placements/students/{pw['student'].pk}/").content.decode()
    assert pw["offer"].team in html
    html = client.get(f"/practice-educators/{pw['educator'].pk}/").content.decode()
    assert "Matrix Teaching Partnership" in html and "Lapses on" in html


def test_placement_dates_default_to_the_offer_block_and_offers_show_free_places(world, pw, client_for):
    PracticeEducator.objects.filter(pk=pw["educator"].pk).update(max_students=2)  # room for a second student
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    url = f"/placements/students/{student.pk}/place/"
    html = client_for("lead").get(url).content.decode()
    assert "1 of 2 places free" in html
    client_for("lead").post(
        url,
        {
            "offer": pw["offer"].pk,
            "stage": "final",
            "starts_on": "",
            "ends_on": "",
            "planned_days": "100",
            "status": "confirmed",
        },
    )
    placement = Placement.objects.get(student=student)
    assert (placement.starts_on, placement.ends_on) == (pw["offer"].starts_on, pw["offer"].ends_on)


def test_a_duplicate_offer_is_refused_with_a_clear_message(world, pw, client_for):
    client = client_for("lead")
    data = _offer_post(world, pw["year"], team=pw["offer"].team.upper(), stage="final")
    response = client.post("/placements/partnership/matrix-tp/offers/new/", data)
    assert "This team already has an offer for this stage and year" in response.content.decode()


def test_a_duplicate_programme_is_refused_with_a_clear_message(world, pw, client_for):
    data = {
        "university": world.university.pk,
        "name": "ba social work",
        "level": "ba",
        "first_placement_days": "70",
        "final_placement_days": "100",
        "skills_days": "30",
        "statutory_placements_required": "1",
    }
    html = client_for("lead").post("/placements/partnership/matrix-tp/programmes/new/", data).content.decode()
    assert "This university already has a programme with this name" in html


def test_educator_list_queries_stay_flat(world, pw, client_for, django_assert_max_num_queries):
    from tests.placements.factories import EducatorFactory

    client = client_for("lead")
    with django_assert_max_num_queries(12):
        assert client.get("/practice-educators/").status_code == 200
    EducatorFactory.create_batch(80, employer=world.employer, partnership=world.partnership)
    with django_assert_max_num_queries(12):
        response = client.get("/practice-educators/?page=2")
    assert len(response.context["page_obj"].object_list) == 31
    assert response.context["counts"]["total"] == 81


def test_sufficiency_figures_and_commitments_download(world, pw, client_for):
    import csv
    import io

    from tests.placements.factories import DemandFactory

    DemandFactory(programme=pw["programme"], academic_year=pw["year"], first_placements=3, final_placements=5)
    client = client_for("member")
    url = "/placements/sufficiency/?partnership=matrix-tp&year=2026/27"
    rows = list(csv.reader(io.StringIO(client.get(url + "&export=csv").content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Line",
        "Needed",
        "Offered",
        "Filled",
        "Short of",
        "Still to fill against expected demand",
        "In words",
    ]
    assert rows[2][:6] == ["Final placements", "5", "2", "1", "3", "4"]
    rows = list(csv.reader(io.StringIO(client.get(url + "&table=employers&export=csv").content.decode("utf-8-sig"))))
    assert rows[1][:5] == ["Matrix Borough Council", "", "", "2", "1"]


def test_students_without_a_placement_are_flagged_on_the_list_and_sufficiency_page(world, pw, client_for):
    waiting = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    client = client_for("member")
    html = client.get("/placements/students/?partnership=matrix-tp&year=2026/27&flag=no-placement").content.decode()
    assert waiting.reference in html and pw["student"].reference not in html
    assert "1 student needing a first or final placement in 2026/27 with none arranged" in html
    html = client.get("/placements/sufficiency/?partnership=matrix-tp&year=2026/27").content.decode()
    assert "1 registered student needs a first or final placement in 2026/27 and has none arranged" in html


def test_quality_page_lists_overdue_reviews_and_downloads(world, pw, client_for):
    import csv
    import io

    today = dt.date.today()
    # Only the placement below has reviews due, whatever today's date.
    Placement.objects.filter(pk=pw["placement"].pk).update(status="proposed")
    late = PlacementFactory(
        offer=pw["offer"], starts_on=today - dt.timedelta(days=60), ends_on=today + dt.timedelta(days=60)
    )
    client = client_for("member")
    html = client.get("/placements/partnership/matrix-tp/quality/?year=2026/27").content.decode()
    assert "1 review more than a week past its due date with nothing recorded" in html
    four_weeks = (today - dt.timedelta(days=32)).strftime("%-d %B %Y")
    assert f"{late.student.reference}</a> at {pw['offer'].team}" in html
    assert f'{four_weeks} <strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/placements/partnership/matrix-tp/quality/?year=2026/27&export=csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[0][0] == "Employer" and rows[1][:2] == ["Matrix Borough Council", "2"]
    assert client.get("/placements/partnership/matrix-tp/quality/?year=1999/00").status_code == 404


def test_an_employers_coordinator_cannot_edit_another_organisations_offer_but_sees_it(world, pw, client_for):
    from tests import factories as f

    other = f.OrganisationFactory(name="Other Council")
    f.PartnerFactory(partnership=world.partnership, organisation=other)
    theirs = OfferFactory(partnership=world.partnership, employer=other, academic_year=pw["year"], team="Their Team")
    coordinator = client_for("coordinator")
    html = coordinator.get(f"/placements/offers/{theirs.pk}/").content.decode()
    assert "Their Team" in html and "Change the offer" not in html
    assert coordinator.get(f"/placements/offers/{theirs.pk}/edit/").status_code == 403
    response = coordinator.post(
        f"/placements/offers/{theirs.pk}/edit/", _offer_post(world, pw["year"], employer=other.pk)
    )
    assert response.status_code == 403
    assert coordinator.get(f"/placements/offers/{theirs.pk}/audit/").status_code == 403
    theirs.refresh_from_db()
    assert theirs.team == "Their Team" and theirs.revision == 1
    # Their own offer they can change; the lead can change both.
    assert "Change the offer" in coordinator.get(f"/placements/offers/{pw['offer'].pk}/").content.decode()
    assert client_for("lead").get(f"/placements/offers/{theirs.pk}/edit/").status_code == 200
    # The list shows every employer's offers to every member.
    html = client_for("member").get("/placements/offers/?partnership=matrix-tp").content.decode()
    assert "Their Team" in html and pw["offer"].team in html
