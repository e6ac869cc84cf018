"""Rating criteria: saved as you go, commentary rules, no lost updates, live suggestions."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from healthcheck.models import Rating
from healthcheck.services import running
from portal.models import AuditEvent
from portal.registry import MetricValue
from tests import factories as f
from tests.healthcheck import factories as hf

pytestmark = pytest.mark.django_db


def _url(hc, code):
    return reverse("healthcheck:criterion", args=[hc.pk, code])


def _post(client, hc, code, **data):
    rating = hc.ratings.get(criterion__code=code)
    payload = {"rating": "green", "commentary": "", "revision": rating.revision, "save": ""}
    payload.update(data)
    return client.post(_url(hc, code), payload)


def test_a_coordinator_rates_a_criterion_and_sees_progress(world, client_for):
    hc = hf.health_check(world)
    client = client_for("coordinator")
    response = _post(client, hc, "A1", rating="amber", commentary="Half the partners have agreed.")
    assert response.status_code == 302
    rating = hc.ratings.get(criterion__code="A1")
    assert (rating.rating, rating.commentary, rating.revision) == ("amber", "Half the partners have agreed.", 2)
    assert AuditEvent.objects.filter(action="healthcheck.rated", target_id=str(hc.pk)).exists()
    page = client.get(reverse("healthcheck:detail", args=[hc.pk])).content.decode()
    assert "1 of 4" in page


def test_save_and_continue_goes_to_the_next_criterion(world, client_for):
    hc = hf.health_check(world)
    response = _post(client_for("coordinator"), hc, "A1", save_next="", next_code="A2")
    assert response.headers["Location"] == _url(hc, "A2")


def test_red_or_amber_without_commentary_is_refused_and_the_choice_kept(world, client_for):
    hc = hf.health_check(world)
    response = _post(client_for("coordinator"), hc, "A1", rating="red", commentary="  ")
    page = response.content.decode()
    assert response.status_code == 200
    assert "commentary is required for Red and Amber" in page
    assert "govuk-error-summary" in page
    assert re.search(r'value="red"\s*checked="checked"', page), "the chosen rating is kept"
    assert hc.ratings.get(criterion__code="A1").rating == ""


def test_two_coordinators_on_different_criteria_both_save(world, client_for):
    hc = hf.health_check(world)
    second = f.UserFactory(email="second.coordinator@matrix.test")
    f.MembershipFactory(user=second, partnership=world.partnership, role="coordinator")
    first_client, second_client = client_for("coordinator"), Client()
    second_client.force_login(second)
    # Both open the page (revision 1 of each criterion), then save different criteria.
    a1 = hc.ratings.get(criterion__code="A1").revision
    b1 = hc.ratings.get(criterion__code="B1").revision
    assert _post(first_client, hc, "A1", rating="green", revision=a1).status_code == 302
    assert _post(second_client, hc, "B1", rating="amber", commentary="Some gaps", revision=b1).status_code == 302
    ratings = {r.criterion.code: r.rating for r in hc.ratings.select_related("criterion")}
    assert ratings["A1"] == "green" and ratings["B1"] == "amber"


def test_a_stale_save_of_the_same_criterion_is_refused_and_the_text_kept(world, client_for):
    hc = hf.health_check(world)
    second = f.UserFactory(email="second.coordinator@matrix.test", full_name="Second Coordinator")
    f.MembershipFactory(user=second, partnership=world.partnership, role="coordinator")
    other = Client()
    other.force_login(second)
    opened_at = hc.ratings.get(criterion__code="A1").revision
    assert _post(other, hc, "A1", rating="green", commentary="Saved first", revision=opened_at).status_code == 302
    response = _post(
        client_for("coordinator"), hc, "A1", rating="red", commentary="My careful analysis", revision=opened_at
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Second Coordinator saved A1 while you were editing it" in page
    assert "My careful analysis" in page  # the user's text is kept in the form
    assert "Saved first" in page  # and the saved version is shown beside it
    rating = hc.ratings.get(criterion__code="A1")
    assert (rating.rating, rating.commentary) == ("green", "Saved first")
    # The form now carries the current revision, so saving again deliberately works.
    assert f'name="revision" value="{rating.revision}"' in page


def test_a_member_reads_but_cannot_rate(world, client_for):
    hc = hf.health_check(world)
    client = client_for("member")
    page = client.get(_url(hc, "A1"))
    assert page.status_code == 200
    assert 'name="commentary"' not in page.content.decode()
    assert _post(client, hc, "A1").status_code == 403
    assert hc.ratings.get(criterion__code="A1").rating == ""


def test_a_coordinator_of_another_partnership_gets_404(world):
    hc = hf.health_check(world)
    outsider = f.UserFactory(email="coordinator@elsewhere.test")
    f.MembershipFactory(user=outsider, partnership=world.other_partnership, role="coordinator")
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("healthcheck:detail", args=[hc.pk])).status_code == 404
    assert client.get(_url(hc, "A1")).status_code == 404
    assert _post(client, hc, "A1").status_code == 404


def test_html_in_commentary_is_escaped_on_the_page(world, client_for):
    hc = hf.health_check(world)
    hf.rate(world, hc, "A1", "amber", commentary="<script>alert('x')</script> & <b>bold</b>")
    client = client_for("member")
    for url in (reverse("healthcheck:detail", args=[hc.pk]), _url(hc, "A1")):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_a_live_figure_suggests_the_rating_and_an_override_needs_a_reason(world, client_for, metric_registry):
    metric_registry(
        "test.coverage",
        lambda partnership, organisation=None, academic_year=None: MetricValue(
            95.0, f"95% ({partnership.name}, {academic_year})", "Worked out by the test"
        ),
    )
    fw = hf.framework(metric_key="test.coverage", green_at=100, amber_at=90)
    hc = hf.health_check(world, fw=fw)
    rating = hc.ratings.get(criterion__code="A1")
    assert (rating.metric_value, rating.suggested_rating) == (95.0, "amber")
    client = client_for("coordinator")
    page = client.get(_url(hc, "A1")).content.decode()
    assert "95% (Matrix Teaching Partnership, 2026/27)" in page
    assert "Green at 100% or more; Amber at 90% or more; otherwise Red" in page
    # Overriding without a reason is refused; with one it is recorded.
    response = _post(client, hc, "A1", rating="green", commentary="")
    assert "give a reason for rating it Green instead" in response.content.decode()
    _post(client, hc, "A1", rating="green", override_reason="The figure misses two new placements")
    rating.refresh_from_db()
    assert (rating.rating, rating.suggestion_outcome) == ("green", "overridden")
    assert rating.override_reason == "The figure misses two new placements"
    # Accepting the suggestion needs no reason and clears the old one.
    _post(client, hc, "A1", rating="amber", commentary="As the figure says", revision=rating.revision)
    rating.refresh_from_db()
    assert (rating.suggestion_outcome, rating.override_reason) == ("accepted", "")


def test_a_figure_that_cannot_be_worked_out_says_not_enough_data(world, client_for, metric_registry):
    def broken(partnership, organisation=None, academic_year=None):
        raise ZeroDivisionError("no students")

    metric_registry("test.broken", broken)
    hc = hf.health_check(world, fw=hf.framework(metric_key="test.broken", green_at=90))
    rating = hc.ratings.get(criterion__code="A1")
    assert (rating.metric_display, rating.suggested_rating) == ("Not enough data", "")
    page = client_for("coordinator").get(_url(hc, "A1"))
    assert page.status_code == 200
    assert "Not enough data" in page.content.decode()


def test_a_figure_with_no_value_and_a_missing_figure_say_not_enough_data(world, metric_registry):
    metric_registry("test.empty", lambda p, organisation=None, academic_year=None: MetricValue(None, "No students"))
    hc = hf.health_check(world, fw=hf.framework(metric_key="test.empty", green_at=90))
    assert hc.ratings.get(criterion__code="A1").metric_display == "Not enough data"
    hc2 = hf.health_check(world, fw=hf.framework(family="gone", metric_key="test.gone", green_at=1), year="2025/26")
    assert hc2.ratings.get(criterion__code="A1").metric_display == "Not enough data"


def test_refreshing_figures_updates_the_suggestion(world, client_for, metric_registry):
    value = {"now": 50.0}
    metric_registry("test.moving", lambda p, organisation=None, academic_year=None: MetricValue(value["now"], "x"))
    hc = hf.health_check(world, fw=hf.framework(metric_key="test.moving", green_at=90, amber_at=60))
    assert hc.ratings.get(criterion__code="A1").suggested_rating == "red"
    value["now"] = 95.0
    client_for("coordinator").post(reverse("healthcheck:refresh_figures", args=[hc.pk]))
    assert hc.ratings.get(criterion__code="A1").suggested_rating == "green"


def test_the_figure_is_asked_for_the_partner_organisation_and_year(world, metric_registry):
    seen = []

    def compute(partnership, organisation=None, academic_year=None):
        seen.append((partnership.slug, organisation, academic_year))
        return MetricValue(1, "Yes")

    metric_registry("test.scope", compute, unit="yes/no")
    hf.health_check(world, fw=hf.framework(metric_key="test.scope", green_at=1), organisation=world.employer)
    assert seen == [("matrix-tp", world.employer, "2026/27")]


def test_one_health_check_per_scope_and_year(world, client_for):
    fw = hf.framework()
    hf.health_check(world, fw=fw)
    response = client_for("coordinator").post(
        reverse("healthcheck:start", args=[world.partnership.slug]),
        {"organisation": "", "academic_year": "2026/27", "framework": fw.pk},
    )
    assert response.status_code == 200
    assert "There is already a health check for Matrix Teaching Partnership in 2026/27" in response.content.decode()
    # A partner organisation's own health check for the same year is allowed.
    response = client_for("coordinator").post(
        reverse("healthcheck:start", args=[world.partnership.slug]),
        {"organisation": world.employer.pk, "academic_year": "2026/27", "framework": fw.pk},
    )
    assert response.status_code == 302
    assert Rating.objects.filter(health_check__organisation=world.employer).count() == 4


def test_a_partner_from_another_partnership_cannot_be_chosen(world, client_for):
    fw = hf.framework()
    outsider_org = world.other_partnership.partners.first().organisation
    response = client_for("coordinator").post(
        reverse("healthcheck:start", args=[world.partnership.slug]),
        {"organisation": outsider_org.pk, "academic_year": "2026/27", "framework": fw.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_services_refuse_a_member_even_without_a_view(world):
    hc = hf.health_check(world)
    rating = hc.ratings.get(criterion__code="A1")
    with pytest.raises(PermissionDenied):
        running.save_rating(world.user("member"), rating, value="green", commentary="", base_revision=1)
