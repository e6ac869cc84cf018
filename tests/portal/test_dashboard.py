"""The dashboard shows each person their partnerships, their role, and what needs doing."""

import pytest

from portal.registry import AttentionItem, _attention, register_attention

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_a_member_sees_their_partnership_and_role_but_not_others(client_for, world):
    html = client_for("signatory").get("/").content.decode()
    assert world.partnership.name in html
    assert "Signatory (senior manager)" in html
    assert "for Matrix Borough Council" in html
    assert world.other_partnership.name not in html


def test_a_site_administrator_sees_every_partnership(client_for, world):
    html = client_for("admin").get("/").content.decode()
    assert "All partnerships" in html
    assert world.partnership.name in html
    assert world.other_partnership.name in html


def test_attention_items_from_the_apps_are_listed_overdue_first(client_for, world):
    import datetime as dt

    def provider(user):
        if user.email != "lead@matrix.test":
            return []
        return [
            AttentionItem(title="Review the memorandum", url="/x", kind="Review due", due=dt.date(2030, 1, 1)),
            AttentionItem(
                title="Chase the action plan", url="/y", kind="Action", due=dt.date(2020, 1, 1), overdue=True
            ),
        ]

    register_attention(provider)
    try:
        html = client_for("lead").get("/").content.decode()
        other = client_for("member").get("/").content.decode()
    finally:
        _attention.remove(provider)
    assert html.index("Chase the action plan") < html.index("Review the memorandum")
    assert "Overdue: Action" in html
    assert "Chase the action plan" not in other


def test_someone_in_no_partnership_is_told_how_to_join(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="new.starter@example.org"))
    html = client.get("/").content.decode()
    assert "You are not a member of any partnership yet" in html
    assert "new.starter@example.org" in html
    assert "Nothing needs your attention right now" in html


def test_a_long_attention_list_shows_the_first_items_and_keeps_the_rest_one_click_away(client_for, world):
    import datetime as dt

    from portal.views import ATTENTION_SHOWN

    def provider(user):
        return [
            AttentionItem(title=f"Task number {n:02d}", url="/", kind="Action", due=dt.date(2026, 12, 1 + n))
            for n in range(ATTENTION_SHOWN + 3)
        ]

    register_attention(provider)
    try:
        html = client_for("member").get("/").content.decode()
    finally:
        _attention.remove(provider)
    assert f"{ATTENTION_SHOWN + 3} things to do" in html
    shown, _, hidden = html.partition("Show 3 more")
    assert f"Task number {ATTENTION_SHOWN - 1:02d}" in shown
    assert f"Task number {ATTENTION_SHOWN:02d}" in hidden
