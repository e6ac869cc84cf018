"""A practice educator on several registers is shared data (issue 16, items 1 and 4): each
partnership keeps its own record, so joining a register by a known email never opens, changes or
names what another partnership recorded. The world's partnership plays West London; the
non-member is the lead of "Elsewhere", who plays Cumbria."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from typing import cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from partnerships.models import Region
from placements.models import ImportBatch, PlacementOffer, PracticeEducator
from placements.services.educators import update_educator
from portal.models import AuditEvent
from tests.placements.factories import EducatorFactory

D = dt.date
EMAIL = "wendy.west@westlondon.test"
NEW = "/practice-educators/partnership/elsewhere/new/"


def _west_london_educator(world) -> PracticeEducator:
    # factory-boy types calling a factory as returning the factory; it returns the saved model.
    return cast(
        PracticeEducator,
        EducatorFactory(
            partnership=world.partnership,
            full_name="Wendy Westlondon",
            email=EMAIL,
            employer=world.employer,
            last_cpd_on=D(2026, 3, 1),
        ),
    )


def _form(**overrides) -> dict:
    return {
        "full_name": "W. West",
        "email": EMAIL.upper(),
        "employer": "",
        "peps_stage": "1",
        "qualified_on": "2019-06-30",
        "last_student_on": "",
        "last_cpd_on": "2026-09-01",
        "max_students": "1",
        **overrides,
    }


def _as_it_was(educator) -> tuple:
    educator.refresh_from_db()
    return (
        educator.partnership_id,
        educator.full_name,
        educator.employer_id,
        educator.last_cpd_on,
        educator.peps_stage,
        educator.revision,
    )


@pytest.mark.django_db
def test_adding_an_email_known_elsewhere_makes_a_record_of_this_partnership_and_names_nobody(world, client_for):
    west = _west_london_educator(world)
    before = _as_it_was(west)
    response = client_for("non_member").post(NEW, _form(), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "W. West is on the register of Elsewhere Partnership" in html
    assert "Wendy" not in html and "Westlondon" not in html and "another register" not in html
    own = PracticeEducator.objects.get(partnership=world.other_partnership)
    assert own.pk != west.pk
    assert (own.full_name, own.email, own.employer_id, own.last_cpd_on) == ("W. West", EMAIL, None, D(2026, 9, 1))
    assert _as_it_was(west) == before
    # The audit event of the addition is Elsewhere's, on Elsewhere's record.
    event = AuditEvent.objects.get(action="educator.added")
    assert (event.target_id, event.partnership_id) == (str(own.pk), world.other_partnership.pk)
    # West London's page still shows only what West London recorded.
    page = client_for("lead").get(f"/practice-educators/{west.pk}/").content.decode()
    assert "Wendy Westlondon" in page and "Elsewhere" not in page and "W. West" not in page


@pytest.mark.django_db
def test_another_partnerships_record_of_the_same_person_is_not_found(world, client_for):
    west = _west_london_educator(world)
    before = _as_it_was(west)
    client = client_for("non_member")
    client.post(NEW, _form())
    for path in ("", "edit/", "everything.json"):
        assert client.get(f"/practice-educators/{west.pk}/{path}").status_code == 404, path
    edit = _form(full_name="Taken Over", employer="", revision="1")
    assert client.post(f"/practice-educators/{west.pk}/edit/", edit).status_code == 404
    assert _as_it_was(west) == before
    assert "Wendy" not in client.get("/practice-educators/").content.decode()
    assert "Wendy" not in client.get("/practice-educators/?export=csv").content.decode("utf-8-sig")
    # Elsewhere's own record opens for Elsewhere and its download holds only Elsewhere's data.
    own = PracticeEducator.objects.get(partnership=world.other_partnership)
    data = json.loads(client.get(f"/practice-educators/{own.pk}/everything.json").content)
    assert data["practice_educator"]["full_name"] == "W. West"
    assert data["on_the_registers_of"] == ["Elsewhere Partnership"]
    assert "Wendy" not in json.dumps(data)


@pytest.mark.django_db
def test_the_same_email_twice_on_one_register_is_refused_without_naming_anyone(world, client_for):
    _west_london_educator(world)
    html = client_for("lead").post("/practice-educators/partnership/matrix-tp/new/", _form()).content.decode()
    assert "Someone with this email address is already on this partnership&#x27;s register" in html
    assert "Wendy" not in html
    assert PracticeEducator.objects.count() == 1


@pytest.mark.django_db
def test_changing_an_email_to_one_already_on_the_register_is_refused(world):
    _west_london_educator(world)
    other = EducatorFactory(partnership=world.partnership, employer=world.employer)
    with pytest.raises(Exception) as refused:
        update_educator(world.user("lead"), other, data={"email": EMAIL}, base_revision=other.revision)
    assert refused.value.message_dict == {
        "email": ["Someone with this email address is already on this partnership's register"]
    }
    # The same address on another register is fine: that record is someone else's.
    elsewhere = EducatorFactory(partnership=world.other_partnership, employer=None)
    update_educator(world.user("non_member"), elsewhere, data={"email": EMAIL}, base_revision=1)


@pytest.mark.django_db
def test_an_offer_names_only_educators_of_its_own_partnership(world, client_for):
    west = _west_london_educator(world)
    html = client_for("non_member").get("/placements/partnership/elsewhere/offers/new/").content.decode()
    assert "Wendy" not in html and f'value="{west.pk}"' not in html


# --- Item 4: importing someone already on another register -------------------------------------

EDUCATOR_HEADER = "email,full_name,employer,peps_stage,qualified_on,last_student_on,last_cpd_on\n"


def _import_as_elsewhere(client, text: str) -> tuple[ImportBatch, str]:
    upload = SimpleUploadedFile("educators.csv", text.encode(), content_type="text/csv")
    client.post("/placements/partnership/elsewhere/import/", {"kind": "educators", "file": upload})
    batch = ImportBatch.objects.latest("id")
    html = client.post(f"/placements/imports/{batch.pk}/", follow=True).content.decode()
    batch.refresh_from_db()
    return batch, html


@pytest.mark.django_db
def test_importing_someone_on_another_register_creates_this_partnerships_record(world, client_for):
    west = _west_london_educator(world)
    before = _as_it_was(west)
    client = client_for("non_member")
    text = (
        EDUCATOR_HEADER
        + f"{EMAIL},W. West,,1,2019-06-30,,2026-09-01\nnew.person@cumbria.test,New Person,,2,2020-01-01,,\n"
    )
    batch, html = _import_as_elsewhere(client, text)
    assert batch.status == "imported"
    assert (batch.to_create, batch.to_update, batch.unchanged) == (2, 0, 0)
    assert "2 added, 0 updated" in html
    assert PracticeEducator.objects.get(partnership=world.other_partnership, email=EMAIL).full_name == "W. West"
    assert _as_it_was(west) == before
    # The same file again: both are this register's now, and nothing changed.
    batch, html = _import_as_elsewhere(client, text)
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 0, 2)
    assert "0 added, 0 updated, 2 already up to date" in html
    # One changed row: one updated, one up to date; West London's record still untouched.
    changed = text.replace("W. West,", "Wendy W.,")
    batch, html = _import_as_elsewhere(client, changed)
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 1, 1)
    assert "0 added, 1 updated, 1 already up to date" in html
    assert _as_it_was(west) == before
    assert PracticeEducator.objects.filter(email=EMAIL).count() == 2


# --- The migration that split shared records ---------------------------------------------------

BEFORE = ("placements", "0006_educator_owning_partnership")
REGION = Region.values[0]
SPLIT = "0007_one_educator_record_per_partnership"


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_partnership_its_own_copy_and_moves_its_offers():
    """Built at the schema before the split (one record on two registers, named on an offer of
    each), then the split itself run, then the schema migrated on to today's (which runs the
    split a second time, as a migration interrupted and retried would)."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("placements")
    executor.migrate([BEFORE])
    try:
        # Other apps at their latest, except those built on a later placements schema (participants/).
        graph = executor.loader.graph
        # Only placements' own later migrations: the later placements schema also needs later
        # migrations of other apps (partnerships'), which stay applied and so belong in the state.
        later = {
            node
            for node in set(graph.forwards_plan(latest[0])) - set(graph.forwards_plan(BEFORE))
            if node[0] == "placements"
        }
        others = [
            node
            for node in graph.leaf_nodes()
            if node[0] != "placements" and not set(graph.forwards_plan(node)) & later
        ]
        apps = executor.loader.project_state([BEFORE, *others]).apps
        Partnership = apps.get_model("partnerships", "Partnership")
        Organisation = apps.get_model("partnerships", "Organisation")
        Educator = apps.get_model("placements", "PracticeEducator")
        Entry = apps.get_model("placements", "RegisterEntry")
        Offer = apps.get_model("placements", "PlacementOffer")
        Year = apps.get_model("placements", "AcademicYear")
        west = Partnership.objects.create(name="West London Alliance", slug="west-london", region=REGION)
        cumbria = Partnership.objects.create(name="Cumbria Partnership", slug="cumbria", region=REGION)
        employer = Organisation.objects.create(name="Ealing Council", kind="local-authority", region=REGION)
        year = Year.objects.create(label="2026/27", starts_on=D(2026, 9, 1), ends_on=D(2027, 8, 31))
        shared = Educator.objects.create(
            full_name="Wendy Westlondon",
            email=EMAIL,
            employer=employer,
            peps_stage=2,
            qualified_on=D(2019, 6, 30),
            last_cpd_on=D(2026, 3, 1),
        )
        alone = Educator.objects.create(
            full_name="Only West", email="only@west.test", peps_stage=1, qualified_on=D(2020, 1, 1)
        )
        Educator.objects.create(full_name="Nobody's", email="none@x.test", peps_stage=1, qualified_on=D(2020, 1, 1))
        Entry.objects.create(partnership=west, educator=shared, added_on=D(2025, 1, 1))
        Entry.objects.create(partnership=cumbria, educator=shared, added_on=D(2026, 2, 1))
        Entry.objects.create(partnership=west, educator=alone, added_on=D(2025, 3, 1))
        offers = {}
        for p in (west, cumbria):
            offers[p.slug] = Offer.objects.create(
                partnership=p,
                employer=employer,
                academic_year=year,
                team=f"Team {p.slug}",
                service_area="children",
                statutory=True,
                stage="final",
                places=1,
                practice_educator=shared,
            )
        module = importlib.import_module(f"placements.migrations.{SPLIT}")
        module.split_shared_educators(apps, None)

        shared.refresh_from_db()
        assert (shared.partnership_id, shared.added_on) == (west.pk, D(2025, 1, 1))
        copy = Educator.objects.get(partnership=cumbria)
        assert copy.pk != shared.pk
        assert (copy.full_name, copy.email, copy.employer_id, copy.last_cpd_on, copy.added_on) == (
            "Wendy Westlondon",
            EMAIL,
            employer.pk,
            D(2026, 3, 1),
            D(2026, 2, 1),
        )
        assert Offer.objects.get(pk=offers["west-london"].pk).practice_educator_id == shared.pk
        assert Offer.objects.get(pk=offers["cumbria"].pk).practice_educator_id == copy.pk
        assert Educator.objects.get(pk=alone.pk).partnership_id == west.pk
        assert not Educator.objects.filter(email="none@x.test").exists()
        ids = (west.pk, cumbria.pk, shared.pk, copy.pk)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    # At today's schema the split records are each their partnership's.
    west_pk, cumbria_pk, shared_pk, copy_pk = ids
    assert PracticeEducator.objects.get(pk=shared_pk).partnership_id == west_pk
    assert PracticeEducator.objects.get(pk=copy_pk).partnership_id == cumbria_pk
    assert PlacementOffer.objects.get(partnership_id=cumbria_pk).practice_educator_id == copy_pk
    assert PracticeEducator.objects.filter(email=EMAIL).count() == 2
