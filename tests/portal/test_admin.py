"""The Django admin: every changelist opens for a site administrator; partnership data is read-only
there (it changes only through audited services); what the admin does edit is audited."""

import pytest
from django.contrib import admin
from django.urls import reverse

from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_every_admin_changelist_opens_for_a_site_administrator(world, client_for):
    client = client_for("admin")
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "model", ["partnerships/partnership", "partnerships/membership", "healthcheck/healthcheck", "placements/placement"]
)
def test_partnership_data_cannot_be_added_or_changed_in_the_admin(world, client_for, model):
    client = client_for("admin")
    assert client.get(f"/admin/{model}/add/").status_code == 403


def test_a_partnership_opens_read_only_in_the_admin(world, client_for):
    client = client_for("admin")
    response = client.get(f"/admin/partnerships/partnership/{world.partnership.pk}/change/")
    assert response.status_code == 200
    assert b'name="name"' not in response.content  # shown as text, not an input
    assert world.partnership.name.encode() in response.content


def test_editing_an_account_in_the_admin_is_audited(world, client_for):
    member = world.user("member")
    client = client_for("admin")
    response = client.post(
        f"/admin/portal/user/{member.pk}/change/",
        {
            "email": member.email,
            "full_name": member.full_name,
            "job_title": "Carer representative",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="user.updated_in_admin")
    assert event.actor == world.user("admin")
    assert event.changes["job_title"][1] == "Carer representative"
    assert "job_title" in event.summary


def test_accounts_cannot_be_deleted_in_the_admin(world, client_for):
    client = client_for("admin")
    assert client.get(f"/admin/portal/user/{world.user('member').pk}/delete/").status_code == 403
