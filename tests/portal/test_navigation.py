"""The service navigation as people see it: each app contributes its items through the registry
(portal.registry.register_nav_item), so these tests pin the menu's words, order, links and the
item marked as the current section."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db


class _Menu(HTMLParser):
    """The links inside <ul id="navigation">, as "label -> href" with " (current)" when marked."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # <ul> nesting inside the menu; 0 = outside
        self.link: dict | None = None
        self.items: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and (self.depth or attrs.get("id") == "navigation"):
            self.depth += 1
        elif tag == "a" and self.depth:
            self.link = {"href": attrs.get("href"), "current": attrs.get("aria-current") == "true", "text": ""}

    def handle_endtag(self, tag):
        if tag == "ul" and self.depth:
            self.depth -= 1
        elif tag == "a" and self.link is not None:
            mark = " (current)" if self.link["current"] else ""
            self.items.append(f"{self.link['text'].strip()} -> {self.link['href']}{mark}")
            self.link = None

    def handle_data(self, data):
        if self.link is not None:
            self.link["text"] += data


def menu(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    parser = _Menu()
    parser.feed(response.content.decode())
    return parser.items


MEMBER_MENU = [
    "Dashboard -> / (current)",
    "Partnerships -> /partnerships/",
    "Organisations -> /organisations/",
    "Memoranda -> /memoranda/",
    "Health checks -> /health-checks/",
    "Placements -> /placements/",
    "Practice educators -> /practice-educators/",
    "Workforce -> /workforce/",
]


def test_a_member_sees_every_section_and_no_admin(client_for):
    assert menu(client_for("member"), "/") == MEMBER_MENU


def test_a_site_administrator_also_sees_the_admin(client_for):
    assert menu(client_for("admin"), "/") == [*MEMBER_MENU, "Admin -> /admin/"]


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/organisations/", "Organisations"),
        ("/partnerships/", "Partnerships"),
        ("/partnerships/matrix-tp/", "Partnerships"),
        ("/memoranda/", "Memoranda"),
        ("/health-checks/", "Health checks"),
        ("/placements/", "Placements"),
        ("/practice-educators/", "Practice educators"),
        ("/workforce/", "Workforce"),
    ],
)
def test_the_section_of_the_page_is_marked_current(client_for, url, current):
    items = menu(client_for("lead"), url)
    assert [item.split(" -> ")[0] for item in items if item.endswith("(current)")] == [current]
    assert len(items) == len(MEMBER_MENU)


def test_signed_out_visitors_get_no_menu(client):
    assert menu(client, "/accounts/login/") == []


@pytest.mark.parametrize("role", ["student", "educator"])
def test_a_student_or_practice_educator_sees_only_their_page(client_for, role):
    """They sign in without a membership (participants/): the dashboard sends them to their own
    page and the menu shows only it."""
    client = client_for(role)
    assert client.get("/").url == "/your-placements/"
    assert menu(client, "/your-placements/") == ["Your placements -> /your-placements/ (current)"]
    assert menu(client, "/organisations/") == ["Your placements -> /your-placements/"]
