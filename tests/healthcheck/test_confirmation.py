"""Ratings keep their reasons (issue 9 item 4): working out the live figures again never leaves a
rating "overridden" without a reason; a rating whose suggestion moved needs confirmation, submit
lists those and refuses, and the page, the PDF and the CSV say the same words about each."""

import csv
import datetime as dt
import html
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from healthcheck.models import Rag, Rating, Status
from healthcheck.rules import suggestion_in_words
from healthcheck.services import action_plans, running, signing
from portal.models import AuditEvent
from portal.registry import MetricValue
from tests.healthcheck import factories as hf

pytestmark = pytest.mark.django_db


@pytest.fixture
def moving(metric_registry):
    """A live figure the test moves: A1 is Green at 90% or more, Amber at 60% or more."""
    value: dict[str, float | None] = {"now": 50.0}

    def compute(partnership, organisation=None, academic_year=None):
        now = value["now"]
        return MetricValue(None, "No students") if now is None else MetricValue(now, f"{now:g}% of students")

    metric_registry("test.moving", compute)
    return value


def _hc(world):
    return hf.health_check(world, fw=hf.framework(metric_key="test.moving", green_at=90, amber_at=60))


def _a1(hc) -> Rating:
    return hc.ratings.select_related("criterion").get(criterion__code="A1")


def _rate_the_rest_green(world, hc):
    for code in ("A2", "B1", "B2"):
        hf.rate(world, hc, code, Rag.GREEN)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(client, hc) -> str:
    reader = PdfReader(io.BytesIO(client.get(reverse("healthcheck:pdf", args=[hc.pk])).content))
    return _flat("\n".join(page.extract_text() for page in reader.pages))


def _csv_a1(client, hc) -> dict:
    text = client.get(reverse("healthcheck:export_csv", args=[hc.pk])).content.decode("utf-8-sig")
    return next(r for r in csv.DictReader(io.StringIO(text)) if r["Code"] == "A1")


def _page_words(client, hc) -> str:
    page = client.get(reverse("healthcheck:detail", args=[hc.pk])).content.decode()
    found = re.search(r'<span class="govuk-body-s hc-suggestion">(.*?)</span>', page, re.S)
    assert found, "the criterion row shows what became of the suggestion"
    return _flat(html.unescape(found.group(1)))


def test_a_moved_suggestion_needs_confirmation_and_is_never_an_override_without_a_reason(world, client_for, moving):
    hc = _hc(world)
    assert _a1(hc).suggested_rating == Rag.RED
    hf.rate(world, hc, "A1", Rag.GREEN, override_reason="Two placements the portal does not hold yet")
    assert _a1(hc).suggestion_outcome == "overridden"
    moving["now"] = 70.0  # now suggests Amber
    client = client_for("coordinator")
    response = client.post(reverse("healthcheck:refresh_figures", args=[hc.pk]), follow=True)
    rating = _a1(hc)
    assert (rating.rating, rating.suggested_rating, rating.suggestion_outcome) == (
        "green",
        "amber",
        "needs_confirmation",
    )
    # The reason given against the old suggestion is kept, not lost; it is not shown as the
    # reason for overriding the new one.
    assert rating.override_reason == "Two placements the portal does not hold yet"
    page = response.content.decode()
    assert "1 rating(s) need confirmation because their suggestion changed: A1" in page
    assert "Needs confirmation" in page and "govuk-tag--yellow" in page
    words = _page_words(client, hc)
    assert words == (
        "Live figure: 70% of students; suggested Amber; needs confirmation: the suggestion was Red when it was "
        "rated (live figure 50% of students); it is now Amber"
    )
    assert "overridden" not in words
    event = AuditEvent.objects.filter(action="healthcheck.figures_refreshed", target_id=str(hc.pk)).latest("id")
    assert "ratings now needing confirmation: A1" in event.summary


def test_a_rating_given_before_there_was_a_figure_needs_confirmation_once_there_is_one(world, moving):
    # The demo's story: ratings given while a figure said "Not enough data", then worked out again.
    moving["now"] = None
    hc = _hc(world)
    hf.rate(world, hc, "A1", Rag.GREEN)
    assert _a1(hc).suggestion_outcome == ""
    moving["now"] = 40.0
    running.refresh_figures(world.user("coordinator"), hc)
    rating = _a1(hc)
    assert rating.suggestion_outcome == "needs_confirmation"
    assert suggestion_in_words(rating) == (
        "Live figure: 40% of students; suggested Red; needs confirmation: there was no suggestion when it was "
        "rated (not enough data); it is now Red"
    )


def test_an_unchanged_suggestion_needs_no_confirmation(world, moving):
    hc = _hc(world)
    hf.rate(world, hc, "A1", Rag.RED, commentary="As the figure says")
    moving["now"] = 55.0  # a different figure, the same suggestion (Red)
    running.refresh_figures(world.user("coordinator"), hc)
    rating = _a1(hc)
    assert (rating.metric_display, rating.suggestion_outcome) == ("55% of students", "accepted")


def test_submit_lists_the_ratings_to_confirm_with_links_and_refuses(world, client_for, moving):
    hc = _hc(world)
    hf.rate(world, hc, "A1", Rag.GREEN, override_reason="Known gaps in the figure")
    _rate_the_rest_green(world, hc)
    moving["now"] = 95.0  # now suggests Green, as rated; still, the suggestion moved
    running.refresh_figures(world.user("coordinator"), hc)
    with pytest.raises(ValidationError) as refused:
        signing.submit(world.user("coordinator"), hc)
    assert "1 need confirmation (A1)" in " ".join(refused.value.messages)
    client = client_for("coordinator")
    for response in (
        client.get(reverse("healthcheck:submit", args=[hc.pk])),
        client.post(reverse("healthcheck:submit", args=[hc.pk])),
    ):
        page = response.content.decode()
        assert response.status_code == 200
        assert "It cannot be submitted yet" in page
        assert "Confirm or explain each rating whose live figure" in page
        link = reverse("healthcheck:criterion", args=[hc.pk, "A1"]) + "#rating"
        assert f'href="{link}"' in page
        assert "A1: rated Green; the suggestion was Red when it was rated" in html.unescape(page)
    hc.refresh_from_db()
    assert hc.status == Status.IN_PROGRESS


def test_saving_the_rating_again_confirms_it_and_submit_then_goes_through(world, client_for, moving):
    hc = _hc(world)
    hf.rate(world, hc, "A1", Rag.GREEN, override_reason="Known gaps in the figure")
    _rate_the_rest_green(world, hc)
    moving["now"] = 70.0  # Amber
    running.refresh_figures(world.user("coordinator"), hc)
    client = client_for("coordinator")
    criterion_page = client.get(reverse("healthcheck:criterion", args=[hc.pk, "A1"])).content.decode()
    assert "This rating needs confirmation:" in criterion_page
    rating = _a1(hc)
    url = reverse("healthcheck:criterion", args=[hc.pk, "A1"])
    # Keeping Green against the new Amber needs a reason for the new suggestion.
    refused = client.post(url, {"rating": "green", "commentary": "", "revision": rating.revision, "save": ""})
    assert "give a reason for rating it Green instead" in refused.content.decode()
    assert _a1(hc).needs_confirmation
    client.post(
        url,
        {
            "rating": "green",
            "commentary": "",
            "override_reason": "Still two placements the portal does not hold",
            "revision": rating.revision,
            "save": "",
        },
    )
    rating = _a1(hc)
    assert (rating.suggestion_outcome, rating.confirmed_suggestion) == ("overridden", "amber")
    assert suggestion_in_words(rating) == (
        "Live figure: 70% of students; suggested Amber; overridden because: Still two placements the portal does not hold"
    )
    event = AuditEvent.objects.filter(action="healthcheck.rated", target_id=str(hc.pk)).latest("id")
    assert "confirmed against the live figure's current suggestion: Amber" in event.summary
    signing.submit(world.user("coordinator"), hc)
    hc.refresh_from_db()
    assert hc.status == Status.SUBMITTED


def test_confirming_with_nothing_changed_is_still_recorded(world, moving):
    hc = _hc(world)
    hf.rate(world, hc, "A1", Rag.AMBER, commentary="Some gaps", override_reason="The figure lags")
    moving["now"] = 65.0  # Amber now, as rated
    running.refresh_figures(world.user("coordinator"), hc)
    before = AuditEvent.objects.filter(action="healthcheck.rated").count()
    hf.rate(world, hc, "A1", Rag.AMBER, commentary="Some gaps")
    rating = _a1(hc)
    assert (rating.suggestion_outcome, rating.override_reason) == ("accepted", "")
    assert AuditEvent.objects.filter(action="healthcheck.rated").count() == before + 1


def test_page_pdf_and_csv_say_the_same_words_and_the_pdf_never_prints_an_empty_reason(world, client_for, moving):
    hc = _hc(world)
    hf.rate(world, hc, "A1", Rag.GREEN, override_reason="Placements agreed after the census")
    _rate_the_rest_green(world, hc)
    signing.submit(world.user("coordinator"), hc)
    signing.sign_off(world.user("signatory"), hc)
    client = client_for("member")
    expected = "Live figure: 50% of students; suggested Red; overridden because: Placements agreed after the census"
    assert _page_words(client, hc) == expected
    assert _csv_a1(client, hc)["Suggestion"] == expected
    assert expected in _pdf_text(client, hc)
    snapshot = hc.sign_offs.get().snapshot
    assert next(r for r in snapshot["ratings"] if r["code"] == "A1")["suggestion"] == expected


def test_a_legacy_override_with_no_reason_reads_needs_confirmation_in_the_pdf(world, client_for, moving):
    # A health check signed off before reasons were kept with their suggestion: rated Green
    # against Red with no reason stored.
    hc = _hc(world)
    hf.rate(world, hc, "A1", Rag.GREEN, override_reason="Placements agreed after the census")
    _rate_the_rest_green(world, hc)
    signing.submit(world.user("coordinator"), hc)
    signing.sign_off(world.user("signatory"), hc)
    Rating.objects.filter(pk=_a1(hc).pk).update(override_reason="")
    client = client_for("member")
    text = _pdf_text(client, hc)
    assert not re.search(r"overridden because:\s*(;|$|[A-Z]\d\b)", text)
    assert "overridden because" not in text
    expected = "Live figure: 50% of students; suggested Red; needs confirmation: it differs from the suggested Red and no reason was given"
    assert expected in text
    assert _page_words(client, hc) == expected
    assert _csv_a1(client, hc)["Suggestion"] == expected


def test_the_detail_page_lists_ratings_to_confirm_with_links(world, client_for, moving):
    hc = _hc(world)
    hf.rate(world, hc, "A1", Rag.RED, commentary="Low")
    action_plans.add_action(
        world.user("coordinator"),
        _a1(hc),
        description="Find placements",
        owner=world.user("coordinator"),
        due_on=dt.date(2027, 3, 31),
    )
    moving["now"] = 92.0
    running.refresh_figures(world.user("coordinator"), hc)
    page = client_for("member").get(reverse("healthcheck:detail", args=[hc.pk])).content.decode()
    assert 'id="needs-confirmation"' in page
    assert "1 rating needs confirmation" in page
    assert reverse("healthcheck:criterion", args=[hc.pk, "A1"]) + "#rating" in page
