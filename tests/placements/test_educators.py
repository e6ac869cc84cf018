"""Practice educator currency: the rule, its explanation and the edge dates; the register page."""

import datetime as dt

import pytest

from placements.models import PracticeEducator
from placements.selectors.educators import currency_q, with_currency_dates
from placements.services.educators import add_educator
from tests.placements.factories import EducatorFactory

D = dt.date


def _educator(**kw):
    defaults = {"full_name": "A", "email": "a@example.org", "peps_stage": 2, "qualified_on": D(2020, 1, 1)}
    return PracticeEducator(**{**defaults, **kw})


def test_lapse_date_and_explanation_follow_the_older_condition():
    e = _educator(last_student_on=D(2025, 3, 3), last_cpd_on=D(2026, 9, 1))
    c = e.currency(today=D(2026, 11, 22))
    assert c.lapses_on == D(2027, 3, 3)
    assert c.explanation == "Lapses on 3 March 2027: no student supported since March 2025"
    assert c.status == "current"


def test_cpd_older_than_a_year_decides_when_it_comes_first():
    e = _educator(last_student_on=D(2026, 6, 1), last_cpd_on=D(2025, 12, 1))
    c = e.currency(today=D(2026, 11, 22))
    assert c.lapses_on == D(2026, 12, 1)
    assert c.status == "lapsing"
    assert c.explanation == "Lapses on 1 December 2026: no CPD recorded since December 2025"


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (D(2027, 3, 2), "lapsing"),  # last day still current
        (D(2027, 3, 3), "lapsed"),  # exactly two years: lapsed
        (D(2026, 12, 3), "lapsing"),  # 90 days before
        (D(2026, 12, 2), "current"),  # 91 days before
    ],
)
def test_edge_dates(today, status):
    e = _educator(last_student_on=D(2025, 3, 3), last_cpd_on=D(2026, 9, 1))
    assert e.currency(today=today).status == status


def test_29_february_lapses_on_1_march():
    e = _educator(last_student_on=D(2024, 2, 29), last_cpd_on=D(2025, 12, 1))
    assert e.currency(today=D(2026, 2, 28)).status != "lapsed"
    c = e.currency(today=D(2026, 3, 1))
    assert c.status == "lapsed"
    assert c.explanation == "Lapsed on 1 March 2026: no student supported since February 2024"


def test_a_new_educator_counts_from_qualifying():
    e = _educator(qualified_on=D(2026, 6, 30))
    c = e.currency(today=D(2026, 11, 22))
    assert c.lapses_on == D(2027, 6, 30)
    assert "since qualifying in June 2026" in c.explanation


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today", [D(2027, 3, 2), D(2027, 3, 3), D(2026, 12, 3), D(2026, 12, 2), D(2026, 3, 1), D(2028, 2, 29)]
)
def test_sql_filters_agree_with_the_python_rule(today):
    people = [
        EducatorFactory(last_student_on=D(2025, 3, 3), last_cpd_on=D(2026, 9, 1)),
        EducatorFactory(last_student_on=D(2024, 2, 29), last_cpd_on=D(2025, 12, 1)),
        EducatorFactory(last_student_on=None, last_cpd_on=None, qualified_on=D(2026, 2, 28)),
        EducatorFactory(last_student_on=D(2026, 6, 1), last_cpd_on=D(2025, 12, 1)),
    ]
    qs = with_currency_dates(PracticeEducator.objects.all())
    for name, q in currency_q(today).items():
        in_sql = set(qs.filter(q).values_list("pk", flat=True))
        in_python = {p.pk for p in people if p.currency(today).status == name}
        assert in_sql == in_python, name


@pytest.mark.django_db
def test_one_person_on_two_registers_has_a_record_on_each(world):
    other = world.other_partnership
    first = add_educator(
        world.user("lead"),
        world.partnership,
        data={
            "full_name": "Jo Example",
            "email": "jo@example.org",
            "employer": None,
            "peps_stage": 1,
            "qualified_on": D(2024, 1, 1),
            "last_student_on": None,
            "last_cpd_on": None,
            "max_students": 1,
        },
    )
    second = add_educator(
        world.user("non_member"),
        other,
        data={
            "full_name": "Jo Example",
            "email": "JO@example.org",
            "employer": None,
            "peps_stage": 1,
            "qualified_on": D(2024, 1, 1),
            "last_student_on": None,
            "last_cpd_on": None,
            "max_students": 1,
        },
    )
    assert first.pk != second.pk
    assert (first.partnership, second.partnership) == (world.partnership, other)


@pytest.mark.django_db
def test_register_page_shows_counts_and_the_explanation(world, client_for):
    EducatorFactory(
        full_name="Current Person",
        employer=world.employer,
        partnership=world.partnership,
        last_student_on=dt.date.today() - dt.timedelta(days=30),
        last_cpd_on=dt.date.today(),
    )
    EducatorFactory(
        full_name="Lapsed Person",
        employer=world.employer,
        partnership=world.partnership,
        last_student_on=D(2020, 1, 10),
        last_cpd_on=dt.date.today(),
    )
    response = client_for("member").get("/practice-educators/")
    html = response.content.decode()
    assert "Current Person" in html and "Lapsed Person" in html
    assert "Lapsed on 10 January 2022: no student supported since January 2020" in html
    assert response.context["counts"]["lapsed"] == 1
    assert response.context["counts"]["current"] == 1
    lapsed_only = client_for("member").get("/practice-educators/?status=lapsed").content.decode()
    assert "Lapsed Person" in lapsed_only and "Current Person" not in lapsed_only
    # Not on this partnership's register: invisible.
    EducatorFactory(full_name="Elsewhere Person", partnership=world.other_partnership)
    assert "Elsewhere Person" not in client_for("member").get("/practice-educators/").content.decode()


@pytest.mark.django_db
def test_register_page_queries_do_not_grow(world, client_for, django_assert_max_num_queries):
    client = client_for("coordinator")
    EducatorFactory.create_batch(3, employer=world.employer, partnership=world.partnership)
    with django_assert_max_num_queries(12):
        assert client.get("/practice-educators/").status_code == 200
    EducatorFactory.create_batch(80, employer=world.employer, partnership=world.partnership)
    with django_assert_max_num_queries(12):
        assert client.get("/practice-educators/?page=2").status_code == 200


@pytest.mark.django_db
def test_adding_an_email_known_on_another_register_makes_this_registers_own_record(world, client_for):
    person = EducatorFactory(email="shared@example.org", partnership=world.other_partnership, employer=None)
    data = {
        "full_name": "Shared Person",
        "email": "Shared@Example.org",
        "employer": "",
        "peps_stage": "2",
        "qualified_on": "2020-06-30",
        "last_student_on": "",
        "last_cpd_on": "",
        "max_students": "1",
    }
    response = client_for("lead").post("/practice-educators/partnership/matrix-tp/new/", data, follow=True)
    assert "Shared Person is on the register of Matrix Teaching Partnership" in response.content.decode()
    own = PracticeEducator.objects.get(partnership=world.partnership)
    assert own.pk != person.pk and own.email == "shared@example.org"
    # Adding again is refused with a message beside the email.
    html = client_for("lead").post("/practice-educators/partnership/matrix-tp/new/", data).content.decode()
    assert "already on this partnership&#x27;s register" in html


@pytest.mark.django_db
def test_editing_an_educator_keeps_input_on_error(world, client_for):
    person = EducatorFactory(employer=world.employer, partnership=world.partnership)
    data = {
        "full_name": "Changed Name",
        "email": person.email,
        "employer": world.employer.pk,
        "peps_stage": "2",
        "qualified_on": "not a date",
        "last_student_on": "",
        "last_cpd_on": "",
        "max_students": "1",
        "revision": "1",
    }
    html = client_for("coordinator").post(f"/practice-educators/{person.pk}/edit/", data).content.decode()
    assert "Date qualified must be a real date" in html and 'value="Changed Name"' in html
    data["qualified_on"] = "2020-06-30"
    response = client_for("coordinator").post(f"/practice-educators/{person.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.full_name == "Changed Name"
