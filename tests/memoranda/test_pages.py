"""The pages around the workflow: create (with party warnings), lists, comments, versions and
comparison, export, the partnership panel, dashboard items and query counts."""

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from memoranda import services
from memoranda.checklist import areas_for
from memoranda.models import Comment, Memorandum, Section, Status
from partnerships.models import OrganisationKind
from portal.registry import attention_for, partnership_panels_for
from tests import factories as f
from tests.memoranda.factories import (
    REQUIRED_TEXT,
    active_memorandum,
    awaiting_memorandum,
    draft_memorandum,
    sign_as,
)

pytestmark = pytest.mark.django_db


def _create_data(world, **overrides):
    data = {
        "kind": "principles",
        "title": "Principles agreement 2026",
        "organisations": [world.employer.pk],
        "start_date": "2026-09-01",
        "review_interval_months": "12",
    }
    data.update(overrides)
    return data


def test_creating_warns_when_there_is_no_university_and_goes_ahead_when_confirmed(world, client_for):
    client = client_for("lead")
    url = "/memoranda/new/matrix-tp/"
    response = client.post(url, _create_data(world))
    html = response.content.decode()
    assert response.status_code == 200 and not Memorandum.objects.exists()
    assert "No university is a party" in html and 'name="warnings_seen" value="1"' in html
    assert "Create anyway" in html and 'value="Principles agreement 2026"' in html  # input kept
    response = client.post(url, {**_create_data(world), "warnings_seen": "1"})
    m = Memorandum.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/memoranda/{m.pk}/"
    assert m.sections.count() == len(areas_for(m.kind)) == 9 and m.review_interval_months == 12


def test_creating_warns_when_there_is_no_employer(world, client_for):
    html = (
        client_for("lead")
        .post("/memoranda/new/matrix-tp/", _create_data(world, organisations=[world.university.pk]))
        .content.decode()
    )
    assert "No employer is a party" in html


def test_creating_with_both_kinds_of_party_needs_no_confirmation(world, client_for):
    response = client_for("lead").post(
        "/memoranda/new/matrix-tp/",
        _create_data(world, organisations=[world.employer.pk, world.university.pk]),
        follow=True,
    )
    m = Memorandum.objects.get()
    assert response.redirect_chain == [(f"/memoranda/{m.pk}/", 302)]
    html = response.content.decode()
    # The lead lands on the new draft, told what to do next, with what they typed saved.
    assert "Draft created from the checklist. Fill in each section, then send it." in html
    assert "Principles agreement 2026" in html and "Draft" in html
    assert world.employer.name in html and world.university.name in html
    assert "No university is a party" not in html and "No employer is a party" not in html
    assert (m.title, m.kind, m.status, m.review_interval_months) == (
        "Principles agreement 2026",
        "principles",
        Status.DRAFT,
        12,
    )
    assert m.start_date.isoformat() == "2026-09-01"
    assert set(m.parties.values_list("organisation_id", flat=True)) == {world.employer.pk, world.university.pk}


def test_creating_shows_errors_beside_fields(world, client_for):
    response = client_for("lead").post(
        "/memoranda/new/matrix-tp/", {"title": "", "start_date": "31/02/2026", "review_interval_months": "0"}
    )
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a title" in html and "Choose at least one party" in html
    assert "Start date must be a real date" in html and "between 1 and 60 months" in html


def test_a_party_from_another_partnership_is_not_a_choice(world, client_for):
    elsewhere = f.OrganisationFactory(name="Elsewhere Borough")
    f.PartnerFactory(partnership=world.other_partnership, organisation=elsewhere)
    html = (
        client_for("lead")
        .post("/memoranda/new/matrix-tp/", _create_data(world, organisations=[elsewhere.pk]))
        .content.decode()
    )
    assert "Choose parties from the list" in html or "is not one of the available choices" in html
    assert not Memorandum.objects.exists()


def test_the_list_filters_and_searches_by_title_and_party(world, client_for):
    draft_memorandum(world, title="Operational agreement for placements", kind="operational")
    active_memorandum(world, title="Principles agreement")
    client = client_for("member")
    html = client.get("/memoranda/").content.decode()
    assert "Operational agreement for placements" in html and "Principles agreement" in html
    assert ">Draft<" in html and ">Active<" in html  # status tags carry words
    html = client.get("/memoranda/?status=active").content.decode()
    assert "Principles agreement" in html and "Operational agreement for placements" not in html
    html = client.get("/memoranda/?kind=operational").content.decode()
    assert "Operational agreement for placements" in html and "Principles agreement</a>" not in html
    html = client.get("/memoranda/?q=university+of+matrix").content.decode()
    assert "Operational agreement for placements" in html and "Principles agreement" in html
    html = client.get("/memoranda/?q=nothing+like+this").content.decode()
    assert "No memoranda match these filters" in html
    html = client.get("/memoranda/?partnership=elsewhere").content.decode()
    assert "No memoranda match" in html


def test_the_list_review_filter(world, client_for):
    m, _ = active_memorandum(world)
    client = client_for("lead")
    assert "Matrix memorandum" not in client.get("/memoranda/?review_due=60").content.decode()
    Memorandum.objects.filter(pk=m.pk).update(review_date=timezone.localdate() + timedelta(days=40))
    html = client.get("/memoranda/?review_due=60").content.decode()
    assert "Matrix memorandum" in html and "Review due soon" in html
    Memorandum.objects.filter(pk=m.pk).update(review_date=timezone.localdate() - timedelta(days=1))
    html = client.get("/memoranda/?review_due=overdue").content.decode()
    assert "Matrix memorandum" in html and "Review overdue" in html


def test_outsiders_see_no_memoranda_in_the_list(world, client_for):
    draft_memorandum(world)
    assert "Matrix memorandum" not in client_for("non_member").get("/memoranda/").content.decode()


def test_members_comment_on_a_section_and_the_lead_resolves_it(world, client_for):
    m = draft_memorandum(world)
    aims = m.sections.get(key="aims")
    member = client_for("member")
    response = member.post(f"/memoranda/{m.pk}/comments/", {"section": aims.pk, "body": "Say who the aims serve."})
    assert response.status_code == 302
    comment = Comment.objects.get()
    page = member.get(f"/memoranda/{m.pk}/").content.decode()
    assert "Open comments" in page and "Say who the aims serve." in page and "Comments (1 open)" in page
    assert "/resolve/" not in member.get(f"/memoranda/{m.pk}/comments/").content.decode()
    assert member.post(f"/memoranda/{m.pk}/comments/{comment.pk}/resolve/").status_code == 403
    lead = client_for("lead")
    assert lead.post(f"/memoranda/{m.pk}/comments/{comment.pk}/resolve/").status_code == 302
    comment.refresh_from_db()
    assert comment.resolved_by == world.user("lead")
    assert "Say who the aims serve." not in lead.get(f"/memoranda/{m.pk}/").content.decode()
    assert "Resolved comments (1)" in lead.get(f"/memoranda/{m.pk}/comments/").content.decode()


def test_an_empty_or_too_long_comment_is_refused(world, client_for):
    m = draft_memorandum(world)
    client = client_for("member")
    assert "Enter your comment" in client.post(f"/memoranda/{m.pk}/comments/", {"body": " "}).content.decode()
    html = client.post(f"/memoranda/{m.pk}/comments/", {"body": "x" * 5001}).content.decode()
    assert "The comment is 5,001 characters long" in html
    assert not Comment.objects.exists()


def test_a_character_count_in_error_still_reads_out_its_limit(world, client_for):
    """A screen reader on the comment box hears the error and the limit; the box has a red border."""
    m = draft_memorandum(world)
    html = client_for("member").post(f"/memoranda/{m.pk}/comments/", {"body": " "}).content.decode()
    textarea = re.search(r"<textarea[^>]*>", html).group(0)
    assert 'aria-describedby="id_body_1_error id_body-info"' in textarea
    assert "govuk-textarea--error" in textarea
    assert 'id="id_body-info"' in html and 'id="id_body_1_error"' in html


def test_comments_close_once_sent(world, client_for):
    m, _ = awaiting_memorandum(world)
    client = client_for("member")
    assert "Comments are closed" in client.get(f"/memoranda/{m.pk}/comments/").content.decode()
    response = client.post(f"/memoranda/{m.pk}/comments/", {"body": "Late thought"})
    assert response.status_code == 302 and not Comment.objects.exists()


def test_versions_and_a_word_level_diff_between_any_two(world, client_for):
    m, first = awaiting_memorandum(world)
    lead = world.user("lead")
    services.decline(world.user("signatory"), first, reason="Aims too vague")
    aims = Section.objects.get(memorandum=m, key="aims")
    services.update_section(
        lead,
        aims,
        heading=aims.heading,
        body=REQUIRED_TEXT["aims"].replace("well-supported", "well-supported and valued"),
        base_revision=aims.revision,
    )
    services.add_section(lead, m, heading="Local priorities", body="Kinship care")
    m.refresh_from_db()
    second = services.send_for_signature(lead, m, base_revision=m.revision)
    client = client_for("member")
    html = client.get(f"/memoranda/{m.pk}/versions/").content.decode()
    assert "Version 1 PDF" in html and "Version 2 PDF" in html and "Declined" in html and first.sha256 in html
    html = client.get(f"/memoranda/{m.pk}/compare/?from=1&to=2").content.decode()
    assert "Sections (2 changed)" in html
    assert re.search(
        r'well-supported<ins class="moc-ins"><span class="govuk-visually-hidden">\[added: </span>\s?and valued', html
    )
    assert "Local priorities" in html and ">Added<" in html
    assert second.number == 2
    html = client.get(f"/memoranda/{m.pk}/compare/?from=2&to=2").content.decode()
    assert "Choose two different versions" in html
    html = client.get(f"/memoranda/{m.pk}/compare/?from=9&to=<b>").content.decode()
    assert "Choose two versions from the lists" in html


def test_the_draft_can_be_compared_with_the_last_version_sent(world, client_for):
    m, first = awaiting_memorandum(world)
    services.withdraw(world.user("lead"), m, reason="Change the review section")
    review = Section.objects.get(memorandum=m, key="review")
    services.update_section(
        world.user("lead"), review, heading=review.heading, body="Every six months.", base_revision=review.revision
    )
    html = client_for("lead").get(f"/memoranda/{m.pk}/compare/").content.decode()
    assert "The current draft" in html and "Review arrangements" in html
    assert "[added: </span>Every six months." in html


def test_bulk_export_has_every_active_signed_pdf_and_a_manifest_of_hashes(world, client_for):
    m, version = active_memorandum(world)
    draft_memorandum(world, title="Not signed yet")
    client = client_for("member")
    response = client.get("/memoranda/export/matrix-tp/")  # a job builds it; the progress page offers it
    assert response.status_code == 302
    assert "1 PDF" in client.get(response.url).content.decode()
    response = client.get(response.url + "download/")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert names == ["matrix-memorandum-v1.pdf", "manifest.csv", "README.txt"]
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert len(rows) == 1
    assert rows[0]["version_sha256"] == version.sha256 and rows[0]["pdf_sha256"] == version.pdf_sha256
    assert rows[0]["file_matches_record"] == "yes"
    assert rows[0]["parties"] == "Matrix Borough Council; University of Matrix"
    import hashlib

    assert hashlib.sha256(archive.read("matrix-memorandum-v1.pdf")).hexdigest() == version.pdf_sha256


def test_export_with_nothing_signed_says_so(world, client_for):
    html = client_for("member").get("/memoranda/export/matrix-tp/").content.decode()
    assert "There is no active signed memorandum to export yet" in html


def test_the_partnership_page_panel_lists_memoranda_with_status_words(world):
    draft_memorandum(world, title="Draft one")
    active_memorandum(world, title="Signed one")
    panels = dict((p.key, ctx) for p, ctx in partnership_panels_for(world.user("lead"), world.partnership))
    ctx = panels["memoranda"]
    assert [m.title for m in ctx["memoranda"]] == ["Draft one", "Signed one"]
    assert ctx["can_draft"] and ctx["has_active"]
    member_ctx = dict((p.key, c) for p, c in partnership_panels_for(world.user("member"), world.partnership))
    assert not member_ctx["memoranda"]["can_draft"]


def test_the_partnership_page_shows_the_panel(world, client_for):
    active_memorandum(world, title="Signed one")
    html = client_for("lead").get("/partnerships/matrix-tp/sections/memoranda/").content.decode()
    assert "Memoranda of Cooperation" in html and "Signed one" in html and "Draft a memorandum" in html
    assert "Download all active signed PDFs" in html


def test_dashboard_asks_the_named_signatory_to_sign_until_they_have(world, client_for):
    m, version = awaiting_memorandum(world)
    items = attention_for(world.user("signatory"))
    assert [(i.title, i.kind, i.url) for i in items if i.kind == "Signature"] == [
        ("Sign Matrix memorandum for Matrix Borough Council", "Signature", f"/memoranda/{m.pk}/sign/")
    ]
    html = client_for("signatory").get("/").content.decode()
    assert "Sign Matrix memorandum for Matrix Borough Council" in html
    sign_as(world.user("signatory"), version)
    assert not [i for i in attention_for(world.user("signatory")) if i.kind == "Signature"]
    assert not [i for i in attention_for(world.user("member")) if i.kind == "Signature"]


def test_dashboard_shows_leads_reviews_due_within_60_days_and_overdue(world):
    m, _ = active_memorandum(world)
    assert not [i for i in attention_for(world.user("lead")) if i.kind == "Review"]
    Memorandum.objects.filter(pk=m.pk).update(review_date=timezone.localdate() + timedelta(days=45))
    (item,) = [i for i in attention_for(world.user("lead")) if i.kind == "Review"]
    assert item.due == timezone.localdate() + timedelta(days=45) and not item.overdue
    Memorandum.objects.filter(pk=m.pk).update(review_date=timezone.localdate() - timedelta(days=2))
    (item,) = [i for i in attention_for(world.user("lead")) if i.kind == "Review"]
    assert item.overdue and item.url == f"/memoranda/{m.pk}/review/"
    assert not [i for i in attention_for(world.user("member")) if i.kind == "Review"]


def test_dashboard_tells_the_lead_about_a_declined_version(world):
    m, version = awaiting_memorandum(world)
    services.decline(world.user("signatory"), version, reason="Not yet")
    (item,) = [i for i in attention_for(world.user("lead")) if i.kind == "Declined"]
    assert "Sam Signatory declined Matrix memorandum" in item.title
    m.refresh_from_db()
    services.send_for_signature(world.user("lead"), m, base_revision=m.revision)
    assert not [i for i in attention_for(world.user("lead")) if i.kind == "Declined"]


def test_the_memorandum_page_uses_the_same_number_of_queries_whatever_the_history(
    world, client_for, django_assert_max_num_queries
):
    """Small: one version, two parties. Large: five versions across two amendments, more parties,
    sections, comments and reviews. Same bound."""
    from portal.models import User

    m, _ = active_memorandum(world)
    client = client_for("member")
    with django_assert_max_num_queries(16):
        assert client.get(f"/memoranda/{m.pk}/").status_code == 200
    lead, uni = world.user("lead"), User.objects.get(email="uma@matrix.test")
    current = m
    for _round in range(2):
        current = services.start_amendment(lead, current)
        for i in range(5):
            services.add_section(lead, current, heading=f"Extra {i}", body="More text " * 20)
            services.add_comment(world.user("member"), current, body=f"Comment {i}")
        current.refresh_from_db()
        version = services.send_for_signature(lead, current, base_revision=current.revision)
        services.decline(uni, version, reason="One more change")
        current.refresh_from_db()
        version = services.send_for_signature(lead, current, base_revision=current.revision)
        sign_as(world.user("signatory"), version)
        sign_as(uni, version)
        current.refresh_from_db()
        services.record_review(lead, current, outcome="unchanged")
    assert current.status == Status.ACTIVE and current.versions.count() == 2
    with django_assert_max_num_queries(16):
        html = client.get(f"/memoranda/{current.pk}/").content.decode()
    assert "Version 5" in html
    draft = services.start_amendment(lead, current)
    lead_client = client_for("lead")
    with django_assert_max_num_queries(16):
        assert lead_client.get(f"/memoranda/{draft.pk}/").status_code == 200


def test_the_list_uses_the_same_number_of_queries_for_many_memoranda(world, client_for, django_assert_max_num_queries):
    client = client_for("member")
    draft_memorandum(world, title="One")
    with django_assert_max_num_queries(10):
        client.get("/memoranda/")
    for i in range(12):
        draft_memorandum(world, title=f"Memorandum {i}")
    with django_assert_max_num_queries(10):
        html = client.get("/memoranda/").content.decode()
    assert "Memorandum 11" in html


def test_organisation_kinds_drive_the_party_warnings():
    class Org:
        def __init__(self, kind):
            self.kind = kind

    assert services.party_warnings([Org(OrganisationKind.UNIVERSITY), Org(OrganisationKind.VOLUNTARY)]) == []
    assert len(services.party_warnings([Org(OrganisationKind.SERVICE_USER_GROUP)])) == 2
