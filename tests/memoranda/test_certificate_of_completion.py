"""The certificate of completion: for each signatory, when they were sent the request, first
opened it and signed or declined, from which address and browser; printed in the signed PDF and
in its embedded evidence.json, hashes in full."""

import io
import json

import pytest
from pypdf import PdfReader

from memoranda.actions import Action
from memoranda.models import MemorandumVersion, SigningEvent, SigningEventKind, VersionStatus
from portal.models import AuditEvent, User
from tests import factories as f
from tests.conftest import FROZEN_NOW
from tests.memoranda.factories import awaiting_memorandum
from tests.memoranda.test_pdf_and_verify import _flat, _text

pytestmark = pytest.mark.django_db

SAM_BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36"
UMA_BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Version/18.1 Safari/605.1.15"


def _as(user, *, ip: str, browser: str):
    from django.test import Client

    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=browser)
    client.force_login(user)
    return client


def _sign_form(version, name: str, position: str) -> dict:
    return {
        "typed_name": name,
        "position": position,
        "authority": "on",
        "password": f.PASSWORD,
        "expected_sha256": version.sha256,
    }


def _events(version) -> dict[tuple[str, str], SigningEvent]:
    return {(e.organisation.name, e.kind): e for e in SigningEvent.objects.filter(version=version)}


def test_sending_records_when_each_signatory_was_asked_without_an_address(world):
    m, version = awaiting_memorandum(world)
    events = _events(version)
    assert set(events) == {
        ("Matrix Borough Council", SigningEventKind.SENT),
        ("University of Matrix", SigningEventKind.SENT),
    }
    sent = events[("Matrix Borough Council", SigningEventKind.SENT)]
    assert sent.at == version.sent_at and sent.person == world.user("signatory")
    # The request was the lead's, not the signatory's: no address is put against them.
    assert sent.ip_address is None and sent.user_agent == ""


def test_the_first_opening_by_the_named_signatory_is_recorded_once_with_its_address(world, client_for):
    m, version = awaiting_memorandum(world)
    sam = _as(world.user("signatory"), ip="203.0.113.9", browser=SAM_BROWSER)
    assert sam.get(f"/memoranda/{m.pk}/sign/").status_code == 200
    assert (
        _as(world.user("signatory"), ip="198.51.100.1", browser="Other").get(f"/memoranda/{m.pk}/sign/").status_code
        == 200
    )
    viewed = SigningEvent.objects.get(version=version, kind=SigningEventKind.VIEWED)
    assert (viewed.organisation, viewed.ip_address, viewed.user_agent) == (world.employer, "203.0.113.9", SAM_BROWSER)
    assert AuditEvent.objects.filter(action=Action.SIGNING_VIEWED).count() == 1
    # The lead may not sign: opening the page records nothing.
    assert client_for("lead").get(f"/memoranda/{m.pk}/sign/").status_code == 403
    assert SigningEvent.objects.filter(version=version, kind=SigningEventKind.VIEWED).count() == 1


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(world, settings):
    settings.PROXY_COUNT = 1
    m, version = awaiting_memorandum(world)
    from django.test import Client

    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.77", HTTP_USER_AGENT=SAM_BROWSER)
    client.force_login(world.user("signatory"))
    client.get(f"/memoranda/{m.pk}/sign/")
    assert SigningEvent.objects.get(version=version, kind=SigningEventKind.VIEWED).ip_address == "203.0.113.77"


def test_the_signed_pdf_and_its_evidence_json_carry_the_whole_certificate(world, django_capture_on_commit_callbacks):
    m, version = awaiting_memorandum(world)
    uma = User.objects.get(email="uma@matrix.test")
    for user, ip, browser, name, position in [
        (
            world.user("signatory"),
            "203.0.113.9",
            SAM_BROWSER,
            "Sam Signatory",
            "Assistant Director, Children's Services",
        ),
        (uma, "2001:db8::7", UMA_BROWSER, "Uma University", "Head of the School of Social Work"),
    ]:
        client = _as(user, ip=ip, browser=browser)
        client.get(f"/memoranda/{m.pk}/sign/")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/memoranda/{m.pk}/sign/", _sign_form(version, name, position))
        assert response.status_code == 302
    version = MemorandumVersion.objects.get(pk=version.pk)
    assert version.status == VersionStatus.SIGNED and version.pdf

    pdf = version.pdf.read()
    _, text = _text(pdf)
    assert "Certificate of completion" in text
    for expected in [
        "Sam Signatory (signatory@matrix.test)",
        "Uma University (uma@matrix.test)",
        "Assistant Director, Children's Services; Assistant Director or above",
        "declared they are authorised to sign for University of Matrix",
        "Sent the request",
        "First opened the signing page",
        "IP address 203.0.113.9",
        "IP address 2001:db8::7",
        "password re-entered",
    ]:
        assert expected in text, expected
    flat = _flat(text)
    assert _flat(SAM_BROWSER) in flat and _flat(UMA_BROWSER) in flat
    # Hashes in full, wrapped but never cut off: the version's and every audit event's.
    assert version.sha256 in flat
    signed_events = AuditEvent.objects.filter(action__in=[Action.SENT_FOR_SIGNATURE, Action.SIGNED])
    assert signed_events.count() == 3
    for event in signed_events:
        assert event.hash in flat, event.summary

    evidence = json.loads(PdfReader(io.BytesIO(pdf)).attachments["evidence.json"][0])
    lines = {line["organisation"]: line for line in evidence["certificate_of_completion"]}
    sam = lines["Matrix Borough Council"]
    assert sam["email"] == "signatory@matrix.test" and "password re-entered" in sam["method"]
    assert [e["step"] for e in sam["events"]] == ["sent", "viewed", "signed"]
    assert sam["events"][0]["ip_address"] is None
    assert sam["events"][1]["ip_address"] == sam["events"][2]["ip_address"] == "203.0.113.9"
    assert sam["events"][2]["user_agent"] == SAM_BROWSER
    assert [e["ip_address"] for e in lines["University of Matrix"]["events"]] == [None, "2001:db8::7", "2001:db8::7"]


def test_declining_records_the_step_with_its_address(world):
    m, version = awaiting_memorandum(world)
    client = _as(world.user("signatory"), ip="203.0.113.9", browser=SAM_BROWSER)
    response = client.post(f"/memoranda/{m.pk}/decline/", {"reason": "The review clause is missing."})
    assert response.status_code == 302
    declined = SigningEvent.objects.get(version=version, kind=SigningEventKind.DECLINED)
    assert (declined.organisation, declined.ip_address, declined.user_agent) == (
        world.employer,
        "203.0.113.9",
        SAM_BROWSER,
    )
    assert MemorandumVersion.objects.get(pk=version.pk).status == VersionStatus.DECLINED


def test_the_memorandum_page_says_who_has_opened_the_request(world, client_for):
    m, version = awaiting_memorandum(world)
    _as(world.user("signatory"), ip="203.0.113.9", browser=SAM_BROWSER).get(f"/memoranda/{m.pk}/sign/")
    html = client_for("lead").get(f"/memoranda/{m.pk}/").content.decode()
    rows = html.split('<th scope="row" class="govuk-table__header">')
    employer = next(r for r in rows if r.startswith("Matrix Borough Council"))
    university = next(r for r in rows if r.startswith("University of Matrix"))
    assert "Not signed yet" in employer and f"Opened {FROZEN_NOW.day} {FROZEN_NOW:%B %Y}" in employer
    assert "Not signed yet" in university and "Not opened yet" in university
