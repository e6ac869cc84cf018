"""Every link the portal sends or prints is built from SITE_URL, never from the request's Host.

A password reset asked for with `Host: evil.example` (accepted wherever ALLOWED_HOSTS is broad)
once mailed an evil.example link; signed PDFs printed whatever SITE_URL defaulted to.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from pypdf import PdfReader

from tests.factories import UserFactory
from tests.memoranda.factories import active_memorandum, awaiting_memorandum

pytestmark = pytest.mark.django_db

SITE = "https://portal.partnership.example"


@pytest.fixture
def public_site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["*"]  # the broad setting the probe found; links must not depend on it


def test_a_password_reset_link_ignores_a_hostile_host_header(client, public_site):
    UserFactory(email="reset@example.org")
    client.post("/accounts/password_reset/", {"email": "reset@example.org"}, HTTP_HOST="evil.example")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "evil.example" not in body
    link = re.search(r"(\S+/accounts/reset/\S+/)", body).group(1)
    assert link.startswith(SITE + "/accounts/reset/")
    # ...and the link works.
    response = client.get(link.removeprefix(SITE), follow=True)
    assert "Choose a new password" in response.content.decode()


def test_signing_requests_and_the_signed_pdf_link_to_the_site_url(
    world, public_site, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        m, version = awaiting_memorandum(world)
    assert mail.outbox, "sending for signature e-mails the signatories"
    for message in mail.outbox:
        for url in re.findall(r"https?://\S+", message.body):
            assert url.startswith(SITE), url
    m, version = active_memorandum(world)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(version.pdf.read())).pages)
    flat = "".join(text.split())
    assert f"{SITE}/memoranda/verify/" in flat
    assert "127.0.0.1" not in flat
