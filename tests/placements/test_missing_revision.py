"""A save that names no revision is refused like a stale one: a form that lost its hidden
`revision` field (an old page, a hand-made POST) could otherwise overwrite someone else's change
without either person knowing. On every placements edit page the person sees the stale-edit
message, what they typed stays on the page, and the record is unchanged.

The form is read from the page as a browser would, and posted without its `revision` field.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils.html import escape

from placements.models import PlacementPolicy, PlacementStatus
from tests.placements.factories import placements_world
from tests.security import crawl

pytestmark = pytest.mark.django_db

STALE_MESSAGE = "Someone else saved a change while you were editing"


@dataclass
class Page:
    url_name: str
    target: str  # the placements world's object the page edits ("policy": the partnership's policy)
    field: str
    typed: str

    @property
    def id(self) -> str:
        return self.url_name.split(":")[1]


PAGES = [
    Page("placements:offer_edit", "offer", "notes", "Typed here: two desks by the window"),
    Page("placements:student_edit", "student", "cohort", "Typed here: January intake"),
    Page("placements:educator_edit", "educator", "full_name", "Typed here Sam Example"),
    Page("placements:programme_edit", "programme", "name", "Typed here: MA Social Work"),
    Page("placements:placement_status", "placement", "status", PlacementStatus.IN_PROGRESS),
    Page("placements:data_protection", "policy", "student_retention_years", "9"),
]


def _target(world, objects, page: Page):
    if page.target == "policy":
        return PlacementPolicy.for_partnership(world.partnership), {"slug": world.partnership.slug}
    obj = objects[page.target]
    return obj, {"pk": obj.pk}


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_a_save_without_a_revision_is_refused_and_changes_nothing(page, world, client_for):
    objects = placements_world(world)
    obj, kwargs = _target(world, objects, page)
    url = reverse(page.url_name, kwargs=kwargs)
    client = client_for("lead")
    response = client.get(url)
    assert response.status_code == 200
    form = next(f for f in crawl.parse(response.content.decode(), url).forms if page.field in f.fields)
    assert "revision" in form.fields, "the form has no hidden revision to leave out"
    before = (getattr(obj, page.field), obj.revision)
    data = form.typical_data({page.field: page.typed})
    del data["revision"]

    refused = client.post(form.action, data)

    html = refused.content.decode()
    assert refused.status_code == 200, "a save without a revision went through"
    assert "govuk-error-summary" in html and STALE_MESSAGE in html
    assert escape(page.typed) in html, "what the person typed is not kept"
    obj.refresh_from_db()
    assert (getattr(obj, page.field), obj.revision) == before
    # The refusal moved the form on to the revision saved: sending it as shown now saves.
    again = next(f for f in crawl.parse(html, url).forms if page.field in f.fields)
    assert again.fields["revision"].value == str(obj.revision)
