"""Sufficiency figures against a hand-worked example, the page, commitments and query counts."""

import datetime as dt

import pytest

from placements.models import EmployerCommitment
from placements.selectors.sufficiency import sufficiency
from tests import factories as f
from tests.placements.factories import (
    AcademicYearFactory,
    DemandFactory,
    OfferFactory,
    PlacementFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def example(world):
    """Hand-worked: demand 15 first + 12 final; offers 6 first, 8 final (5 statutory), 4 either
    (statutory); filled 1 first, 3 final, 2 either (5 statutory)."""
    year = AcademicYearFactory(label="2026/27")
    later = AcademicYearFactory(label="2027/28")
    e1 = world.employer
    e2 = f.OrganisationFactory(name="Second Council")
    f.PartnerFactory(partnership=world.partnership, organisation=e2)
    a = ProgrammeFactory(partnership=world.partnership, university=world.university, name="BA")
    b = ProgrammeFactory(partnership=world.partnership, university=world.university, name="MA", level="ma")
    DemandFactory(programme=a, academic_year=year, first_placements=10, final_placements=8)
    DemandFactory(programme=b, academic_year=year, first_placements=5, final_placements=4)
    DemandFactory(programme=b, academic_year=later, first_placements=99, final_placements=99)
    first = OfferFactory(
        partnership=world.partnership, employer=e1, academic_year=year, stage="first", statutory=False, places=6
    )
    final = OfferFactory(
        partnership=world.partnership, employer=e1, academic_year=year, stage="final", statutory=True, places=5
    )
    OfferFactory(
        partnership=world.partnership, employer=e2, academic_year=year, stage="final", statutory=False, places=3
    )
    either = OfferFactory(
        partnership=world.partnership, employer=e2, academic_year=year, stage="either", statutory=True, places=4
    )
    OfferFactory(partnership=world.partnership, employer=e2, academic_year=later, stage="final", places=100)
    for _ in range(3):
        PlacementFactory(offer=final, status="confirmed", student__programme=a)
    PlacementFactory(offer=final, status="proposed", student__programme=a)
    PlacementFactory(offer=final, status="ended-early", end_reason="setting", student__programme=a)
    for _ in range(2):
        PlacementFactory(offer=either, status="in-progress", stage="first", student__programme=a)
    PlacementFactory(offer=first, status="completed", stage="first", student__programme=a)
    EmployerCommitment.objects.create(partnership=world.partnership, employer=e1, academic_year=year, places=12)
    return {"year": year, "e1": e1, "e2": e2}


def test_figures_match_the_hand_worked_example(world, example):
    report = sufficiency(world.partnership, example["year"])
    first, final, either = report.stages
    assert (first.needed, first.offered, first.filled, first.shortfall) == (15, 6, 1, 9)
    assert (final.needed, final.offered, final.filled, final.shortfall) == (12, 8, 3, 4)
    assert (either.needed, either.offered, either.filled) == (None, 4, 2)
    assert (report.total.needed, report.total.offered, report.total.filled) == (27, 18, 6)
    assert (report.statutory.needed, report.statutory.offered, report.statutory.filled) == (12, 9, 5)
    assert (report.non_statutory.offered, report.non_statutory.filled) == (9, 1)
    assert report.overall_shortfall == 9  # 9 + 4 short, less 4 flexible places
    assert report.total.rag == "red"
    assert (
        first.words
        == "Short of 9 first placements: 15 needed, 6 offered, 1 filled. 14 still to fill against expected demand."
    )
    assert report.summary == (
        "Not enough places for 2026/27: short of 9 first placements and 4 final placements and 3 statutory places "
        "(after counting 4 places offered for either stage)."
    )


def test_per_employer_commitment_met_or_not(world, example):
    lines = {line.name: line for line in sufficiency(world.partnership, example["year"]).employers}
    council = lines["Matrix Borough Council"]
    assert (council.committed, council.committed_source, council.offered, council.filled) == (12, "entered", 11, 4)
    assert council.met is False
    second = lines["Second Council"]
    assert (second.committed, second.offered, second.filled, second.met) == (None, 7, 2, None)


def test_the_memorandums_placement_numbers_win_over_numbers_entered_here(world, example, client_for):
    """Committed places come from memoranda.selectors.committed_places (active memoranda) where
    they exist; the number entered here (12 for Matrix Borough Council) is used only otherwise."""
    from memoranda.models import PlaceCommitment
    from tests.memoranda.factories import active_memorandum

    memorandum, _version = active_memorandum(world)
    PlaceCommitment.objects.create(
        memorandum=memorandum, organisation=world.employer, academic_year="2026/27", places=9
    )
    lines = {line.name: line for line in sufficiency(world.partnership, example["year"]).employers}
    council = lines["Matrix Borough Council"]
    assert (council.committed, council.committed_source, council.met) == (9, "memorandum", True)
    assert lines["Second Council"].committed is None  # in no memorandum, nothing entered
    html = client_for("member").get("/placements/sufficiency/?partnership=matrix-tp&year=2026/27").content.decode()
    assert '9<span class="govuk-body-s portal-source"> (memorandum)</span>' in html


def test_the_page_states_shortfalls_in_words_and_colour(world, example, client_for):
    html = client_for("member").get("/placements/sufficiency/?partnership=matrix-tp&year=2026/27").content.decode()
    assert (
        "Short of 9 first placements: 15 needed, 6 offered, 1 filled. 14 still to fill against expected demand." in html
    )
    assert 'govuk-tag--red portal-rag portal-rag--red">Red<' in html
    assert "No: 12 committed, 11 offered" in html
    assert "entered here" in html


def test_an_unknown_year_is_not_found(world, client_for):
    assert client_for("member").get("/placements/sufficiency/?partnership=matrix-tp&year=1999/00").status_code == 404


def test_no_demand_says_what_to_do(world, client_for):
    AcademicYearFactory(label="2026/27")
    html = client_for("member").get("/placements/sufficiency/?partnership=matrix-tp&year=2026/27").content.decode()
    assert "No demand is recorded for 2026/27" in html


def test_sufficiency_queries_do_not_grow_with_data(world, example, client_for, django_assert_max_num_queries):
    client = client_for("lead")
    url = "/placements/sufficiency/?partnership=matrix-tp&year=2026/27"
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    for i in range(30):
        employer = f.OrganisationFactory()
        f.PartnerFactory(partnership=world.partnership, organisation=employer)
        offer = OfferFactory(partnership=world.partnership, employer=employer, academic_year=example["year"])
        PlacementFactory(offer=offer, starts_on=dt.date(2027, 1, 11) + dt.timedelta(days=i))
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_statutory_need_follows_each_programmes_requirement(world):
    year = AcademicYearFactory(label="2026/27")
    usual = ProgrammeFactory(partnership=world.partnership, university=world.university, name="BA")
    two = ProgrammeFactory(
        partnership=world.partnership, university=world.university, name="Step Up", statutory_placements_required=2
    )
    none = ProgrammeFactory(
        partnership=world.partnership, university=world.university, name="Other", statutory_placements_required=0
    )
    DemandFactory(programme=usual, academic_year=year, first_placements=10, final_placements=8)
    DemandFactory(programme=two, academic_year=year, first_placements=3, final_placements=2)
    DemandFactory(programme=none, academic_year=year, first_placements=5, final_placements=4)
    report = sufficiency(world.partnership, year)
    # 8 finals (usual) + 2 finals and 3 firsts (two required) + nothing for the programme requiring none.
    assert report.statutory.needed == 13
    assert report.total.needed == 32
