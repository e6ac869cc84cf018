"""Data protection: the retention period, purge_students, deleting old import files and the
download of everything held on one person."""

import datetime as dt
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from placements.models import (
    CheckRequirement,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Placement,
    PlacementPolicy,
    Student,
    StudentCheck,
)
from placements.services.allocations import record_review
from placements.services.data_protection import export_student_record
from placements.services.students import save_student
from portal.audit import verify_chain
from portal.models import AuditEvent, AuditSubject
from portal.storage import private_storage
from tests import factories as f
from tests.placements.factories import (
    AcademicYearFactory,
    PlacementFactory,
    ReviewFactory,
    StudentFactory,
    placements_world,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def old_and_new(world):
    """A student whose final year ended on 31 August 2020 and one finishing in 2027."""
    old_year = AcademicYearFactory(label="2019/20")
    pw = placements_world(world)
    old = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=old_year, name="Ann Old")
    placement = PlacementFactory(
        offer__partnership=world.partnership,
        offer__employer=world.employer,
        offer__academic_year=old_year,
        student=old,
        starts_on=D(2020, 1, 13),
        ends_on=D(2020, 4, 30),
        planned_ends_on=D(2020, 6, 5),
        completed_days=60,
        status="ended-early",
        end_reason="student-health",
        end_notes="Personal details about Ann",
    )
    ReviewFactory(placement=placement, completed_on=D(2020, 2, 10), comments="Ann found the team welcoming")
    return {"old": old, "current": pw["student"], "placement": placement}


def test_purge_removes_personal_data_past_the_retention_period_and_keeps_the_figures(world, old_and_new):
    dbs = CheckRequirement.objects.create(partnership=world.partnership, name="Enhanced DBS check", valid_for_months=36)
    StudentCheck.objects.create(student=old_and_new["old"], requirement=dbs, done_on=D(2019, 1, 7))
    StudentCheck.objects.create(student=old_and_new["current"], requirement=dbs, done_on=D(2025, 1, 7))
    Placement.objects.filter(pk=old_and_new["placement"].pk).update(checks_reason="Ann's DBS was delayed")
    out = io.StringIO()
    # Six years (the default) after 31 August 2020.
    call_command("purge_students", today=D(2026, 8, 31), stdout=out)
    assert "Removed the personal data of 0 student(s)" in out.getvalue()
    call_command("purge_students", today=D(2026, 9, 1), stdout=out)
    assert "Removed the personal data of 1 student(s)" in out.getvalue()
    old = Student.objects.get(pk=old_and_new["old"].pk)
    assert (old.reference, old.name, old.purged_on) == (f"removed-{old.pk}", "", D(2026, 9, 1))
    placement = Placement.objects.get(pk=old_and_new["placement"].pk)
    assert placement.end_notes == "" and placement.end_reason == "student-health"
    assert placement.checks_reason == ""
    # Their pre-placement check records go; another student's stay, and so does the register.
    assert not StudentCheck.objects.filter(student=old).exists()
    assert StudentCheck.objects.filter(student=old_and_new["current"]).count() == 1
    assert CheckRequirement.objects.filter(pk=dbs.pk).exists()
    assert placement.reviews.get().comments == ""
    assert placement.reviews.get().support == "very-good"  # ratings stay for the figures
    assert Student.objects.get(pk=old_and_new["current"].pk).purged_on is None
    event = AuditEvent.objects.get(action="students.purged")
    assert event.summary == (
        "Removed the personal data of 1 student whose final placement year ended more than 6 years ago"
    )
    assert "Ann" not in json.dumps(event.changes) + event.summary + event.target_label
    assert verify_chain() == []
    # A second run finds nothing more to do.
    call_command("purge_students", today=D(2026, 9, 2), stdout=out)
    assert AuditEvent.objects.filter(action="students.purged").count() == 1


def test_a_dry_run_changes_nothing_and_the_period_is_per_partnership(world, old_and_new):
    out = io.StringIO()
    call_command("purge_students", today=D(2026, 9, 1), dry_run=True, stdout=out)
    assert "Would remove the personal data of 1 student(s)" in out.getvalue()
    assert Student.objects.get(pk=old_and_new["old"].pk).purged_on is None
    PlacementPolicy.objects.update_or_create(partnership=world.partnership, defaults={"student_retention_years": 10})
    call_command("purge_students", today=D(2026, 9, 1), stdout=out)
    assert Student.objects.get(pk=old_and_new["old"].pk).purged_on is None


def test_a_lead_sets_the_retention_period_and_a_coordinator_cannot(world, old_and_new, client_for):
    url = "/placements/partnership/matrix-tp/data-protection/"
    html = client_for("coordinator").get(url).content.decode()
    assert "6 years after the end of the student's final placement year" in html
    assert "A partnership lead can change how long records are kept" in html
    assert client_for("coordinator").post(url, {"student_retention_years": "2", "revision": "1"}).status_code == 403
    html = client_for("lead").post(url, {"student_retention_years": "40", "revision": "1"}).content.decode()
    assert "Enter a number from 1 to 15" in html and 'value="40"' in html
    response = client_for("lead").post(url, {"student_retention_years": "3", "revision": "1"}, follow=True)
    html = response.content.decode()
    assert "Retention period saved" in html
    assert PlacementPolicy.objects.get(partnership=world.partnership).student_retention_years == 3
    assert AuditEvent.objects.filter(action="placement_policy.updated").exists()
    # A stale form is refused.
    html = client_for("lead").post(url, {"student_retention_years": "4", "revision": "1"}).content.decode()
    assert "Someone else saved a change" in html


def test_a_purged_student_cannot_be_edited_back_to_life(world, old_and_new, client_for):
    call_command("purge_students", today=D(2026, 9, 1), stdout=io.StringIO())
    old = old_and_new["old"]
    html = client_for("lead").get(f"/placements/students/{old.pk}/").content.decode()
    assert "personal data was removed on 1 September 2026" in html
    data = {
        "reference": "S-BACK",
        "name": "Ann Old",
        "programme": old.programme_id,
        "cohort": "",
        "final_year": old.final_year_id,
        "revision": "1",
    }
    html = client_for("lead").post(f"/placements/students/{old.pk}/edit/", data).content.decode()
    assert "personal data has been removed" in html
    assert Student.objects.get(pk=old.pk).name == ""


def test_student_names_stay_out_of_the_audit_trail(world, old_and_new, client_for):
    student = old_and_new["current"]
    data = {
        "reference": student.reference,
        "name": "Secret Name",
        "programme": student.programme_id,
        "cohort": "",
        "final_year": student.final_year_id,
        "revision": student.revision,
    }
    client_for("lead").post(f"/placements/students/{student.pk}/edit/", data)
    event = AuditEvent.objects.get(action="student.updated")
    assert "Secret Name" not in json.dumps(event.changes) + event.summary + event.target_label
    assert "name" in event.changes


def test_old_import_files_are_deleted_after_thirty_days(world, client_for):
    batch = ImportBatch(
        partnership=world.partnership,
        kind=ImportKind.STUDENTS,
        original_name="students.csv",
        status=ImportStatus.CHECKED,
        row_count=1,
        errors=[[2, "S1 already has a placement"]],
    )
    batch.file.save("students.csv", ContentFile(b"reference\nS1\n"), save=True)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC))
    name = batch.file.name
    call_command("purge_students", today=D(2026, 10, 31), stdout=io.StringIO())
    assert ImportBatch.objects.get(pk=batch.pk).file  # 30 days: kept
    call_command("purge_students", today=D(2026, 11, 1), stdout=io.StringIO())
    batch.refresh_from_db()
    assert not batch.file and batch.errors == []
    assert not private_storage().exists(name)
    response = client_for("lead").post(f"/placements/imports/{batch.pk}/", follow=True)
    assert "upload it again" in response.content.decode()


def test_everything_held_on_a_student_downloads_as_json_and_is_recorded(world, old_and_new, client_for):
    old = old_and_new["old"]
    save_student(
        world.user("lead"), world.partnership, data={"cohort": "2017 intake"}, student=old, base_revision=old.revision
    )
    response = client_for("coordinator").get(f"/placements/students/{old.pk}/everything.json")
    assert response["Content-Disposition"] == f'attachment; filename="student-{old.pk}.json"'
    data = json.loads(response.content)
    assert data["student"]["name"] == "Ann Old"
    assert data["placements"][0]["more_about_why_it_ended"] == "Personal details about Ann"
    assert data["quality_reviews"][0]["comments"] == "Ann found the team welcoming"
    assert [e["what"] for e in data["history"]] == [f"Updated the student {old.reference}"]
    assert AuditEvent.objects.filter(action="student.data_exported", target_id=str(old.pk)).exists()
    assert client_for("member").get(f"/placements/students/{old.pk}/everything.json").status_code == 403


def test_everything_held_on_a_practice_educator(world, client_for):
    pw = placements_world(world)
    educator = pw["educator"]
    data = json.loads(client_for("lead").get(f"/practice-educators/{educator.pk}/everything.json").content)
    assert data["practice_educator"]["email"] == educator.email
    assert data["on_the_registers_of"] == ["Matrix Teaching Partnership"]
    assert data["named_on_placement_offers"][0]["team"] == pw["offer"].team
    assert data["practice_educator"]["currency"].startswith(("Current", "Lapsing", "Lapsed"))
    # An employer's coordinator cannot download another employer's practice educator.
    other = f.OrganisationFactory(name="Other Council")
    f.PartnerFactory(partnership=world.partnership, organisation=other)
    educator.employer = other
    educator.save()
    assert client_for("coordinator").get(f"/practice-educators/{educator.pk}/everything.json").status_code == 403


def test_purging_a_student_pseudonymises_the_audit_trail_and_the_chain_still_verifies(world, old_and_new, client_for):
    old, placement = old_and_new["old"], old_and_new["placement"]
    Student.objects.filter(pk=old.pk).update(reference="SAL20231111")
    old.refresh_from_db()
    lead = world.user("lead")
    # The trail names the student under an earlier and a later reference, on the student's own
    # events and on their placement's.
    save_student(lead, world.partnership, data={"reference": "SAL20240001"}, student=old, base_revision=old.revision)
    record_review(
        lead,
        placement,
        data={
            "point": "midway",
            "role": "educator",
            "learning_opportunities": "good",
            "support": "good",
            "performance": "on-track",
            "completed_on": D(2020, 3, 2),
            "comments": "",
        },
    )
    export_student_record(lead, Student.objects.get(pk=old.pk))
    student_page = f"/placements/students/{old.pk}/"
    history_page = f"/partnerships/{world.partnership.slug}/history/"
    before = client_for("lead").get(student_page).content.decode()
    assert "Updated the student SAL20240001" in before
    assert "SAL20231111" in before  # the old reference, in the changed fields
    # The placement was loaded before the change, so its review names the earlier reference.
    assert "for SAL20231111" in client_for("lead").get(history_page).content.decode()

    call_command("purge_students", today=D(2026, 9, 1), stdout=io.StringIO())

    pages = (
        client_for("lead").get(student_page).content.decode() + client_for("lead").get(history_page).content.decode()
    )
    assert f"Updated the student removed-{old.pk}" in pages  # still readable, without the person
    rows = json.dumps(
        list(AuditEvent.objects.values("target_label", "summary", "changes", "actor_label"))
        + list(AuditSubject.objects.values("subject", "text"))
    )
    for personal in ("SAL20240001", "SAL20231111", "Ann Old"):
        assert personal not in pages
        assert personal not in rows
    assert verify_chain() == []
    call_command("verify_audit", stdout=io.StringIO())


def test_a_pseudonym_typed_into_the_database_is_caught(world, old_and_new):
    old = old_and_new["old"]
    save_student(
        world.user("lead"), world.partnership, data={"cohort": "2017 intake"}, student=old, base_revision=old.revision
    )
    subject = AuditSubject.objects.get(subject=f"placements.student:{old.pk}")
    event = subject.event
    # Someone with database access "purges" the reference into another student's.
    AuditSubject.objects.filter(pk=subject.pk).update(text="SAL29999999", pseudonymised=True)
    AuditEvent.objects.filter(pk=event.pk).update(summary="Updated the student SAL29999999")
    assert {p.event_id for p in verify_chain()} == {event.pk}
