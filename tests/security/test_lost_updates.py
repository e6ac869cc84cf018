"""No lost updates: on every edit page of the portal, two people open the same record; the second
saves first; the first person's save is then refused with a clear message, their text stays in
the form, what the other person saved is shown beside it, and the record keeps the other
person's version. Saving again after seeing it is a deliberate overwrite and goes through.

Each edit page is found through its access-matrix row (the same objects the matrix builds), and
the form is read from the page as a browser would, so a hidden revision field that is missing
or not checked makes the test fail.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.security import crawl
from tests.security.states import TYPICAL
from tests.test_access_matrix import ROWS

pytestmark = pytest.mark.django_db

# No word in common, so a page that shows the difference word by word shows each one whole.
MINE = "Typed here: twelve students hosted"
THEIRS = "Saved meanwhile: monthly educator forums"
STALE_MESSAGES = ("while you were editing", "changed after you opened")


@dataclass
class Edit:
    url_name: str
    field: str
    role: str = "lead"
    mine: str = MINE
    theirs: str = THEIRS
    # How the other person's value reads on the page, when it is not the value itself.
    theirs_shown: str = ""
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.url_name}.{self.field}"


EDITS = [
    Edit("partnerships:organisation_edit", "contact_name"),
    Edit("partnerships:partnership_edit", "description"),
    Edit("partnerships:partner_edit", "contribution"),
    Edit("partnerships:aim_edit", "description"),
    Edit("partnerships:outcome_edit", "measure"),
    Edit("partnerships:decision_action_edit", "description"),
    Edit("partnerships:group_edit", "purpose"),
    Edit("partnerships:meeting_edit", "notes", role="coordinator"),
    Edit("partnerships:membership_edit", "job_title"),
    Edit("memoranda:details", "title"),
    Edit("memoranda:section_edit", "body"),
    Edit("memoranda:party_edit", "commitments"),
    Edit("healthcheck:criterion", "commentary", role="coordinator"),
    Edit("healthcheck:action_edit", "description", role="coordinator"),
    Edit("healthcheck:framework_edit", "description", role="admin"),
    Edit("healthcheck:area_edit", "description", role="admin"),
    Edit("healthcheck:criterion_edit", "guidance", role="admin"),
    Edit("placements:offer_edit", "notes"),
    Edit("placements:offer_audit", "notes"),
    Edit("placements:student_edit", "cohort"),
    Edit("placements:programme_edit", "name"),
    Edit("placements:demand_edit", "first_placements", mine="1234", theirs="4321"),
    Edit("placements:commitment_edit", "places", mine="123", theirs="321"),
    Edit("placements:educator_edit", "full_name"),
    Edit("placements:requirement_edit", "name"),
    Edit("placements:student_check_record", "note", role="coordinator"),
    Edit("webhooks:edit", "description"),
    Edit("placements:data_protection", "student_retention_years", mine="7", theirs="13", theirs_shown="13 years"),
    Edit("workforce:figures_edit", "inpost_fte", mine="123.0", theirs="321.0", note="a year with no figures yet"),
    Edit("matching:preferences", "travel_area"),
    Edit("matching:round_edit", "max_choices", mine="7", theirs="5"),
]


def _row(url_name: str):
    return next(row for row in ROWS if row.url_name == url_name and not row.query)


def _client(world, role: str) -> Client:
    client = Client()
    client.force_login(world.user(role))
    return client


def _form(client: Client, url: str, field: str) -> crawl.Form:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    forms = [f for f in crawl.parse(response.content.decode(), url).forms if field in f.fields]
    assert forms, f"{url}: no form with the field {field}"
    return forms[0]


@pytest.mark.parametrize("edit", EDITS, ids=[e.id for e in EDITS])
def test_a_stale_edit_is_refused_and_keeps_what_was_typed(edit, shared_world):
    row = _row(edit.url_name)
    url = reverse(edit.url_name, kwargs=row.kwargs(shared_world) if row.kwargs else None)
    me, them = _client(shared_world, edit.role), _client(shared_world, edit.role)
    typical = TYPICAL.get(edit.url_name)
    mine, theirs = _form(me, url, edit.field), _form(them, url, edit.field)

    saved = them.post(theirs.action, {**theirs.typical_data(typical), edit.field: edit.theirs})
    assert saved.status_code == 302, f"the other person's save was refused: {saved.content.decode()[:2000]}"

    refused = me.post(mine.action, {**mine.typical_data(typical), edit.field: edit.mine})
    html = refused.content.decode()
    assert refused.status_code == 200, "a save based on what the other person replaced went through"
    assert "govuk-error-summary" in html and any(m in html for m in STALE_MESSAGES), html
    assert escape(edit.mine) in html, "the text the person typed is not kept"
    assert escape(edit.theirs_shown or edit.theirs) in html, "what was saved meanwhile is not shown"
    kept = _form(them, url, edit.field).fields[edit.field].value
    assert kept == edit.theirs, f"the record holds {kept!r}, not the other person's {edit.theirs!r}"

    # Having seen the other version, saving again replaces it on purpose.
    again = next(f for f in crawl.parse(html, url).forms if edit.field in f.fields)
    assert again.fields[edit.field].value == edit.mine
    overwritten = me.post(again.action, again.typical_data(typical))
    assert overwritten.status_code == 302, overwritten.content.decode()[:2000]
    assert _form(them, url, edit.field).fields[edit.field].value == edit.mine
