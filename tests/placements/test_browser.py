"""In a real browser: an employer's coordinator imports offers (fixing a bad row first), places a
student and sees the shortfall, then the number still to place, shrink; axe-core finds nothing
on the placements pages; a long file goes through the upload with a progress bar."""

import pytest

from tests.browser.helpers import axe_violations, sign_in
from tests.factories import PASSWORD
from tests.placements.factories import (
    AcademicYearFactory,
    DemandFactory,
    EducatorFactory,
    ProgrammeFactory,
    StudentFactory,
)
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "employer,team,service_area,statutory,stage,academic_year,places,starts_on,ends_on\n"


def _file(text: str) -> dict:
    return {"name": "offers.csv", "mimeType": "text/csv", "buffer": text.encode()}


def _no_violations(page, what: str) -> None:
    assert axe_violations(page) == [], what


def test_a_coordinator_imports_offers_places_a_student_and_sees_the_gap_shrink(page):
    world = build_world()
    year = AcademicYearFactory(label="2026/27")
    programme = ProgrammeFactory(partnership=world.partnership, university=world.university, name="BA Social Work")
    DemandFactory(programme=programme, academic_year=year, first_placements=4, final_placements=6)
    student = StudentFactory(partnership=world.partnership, programme=programme, final_year=year, reference="MTX0042")
    EducatorFactory(employer=world.employer, partnership=world.partnership)
    sign_in(page, "coordinator@matrix.test", PASSWORD)

    sufficiency = "/placements/sufficiency/?partnership=matrix-tp&year=2026/27"
    page.goto(sufficiency)
    assert page.get_by_text(
        "Short of 6 final placements: 6 needed, 0 offered, 0 filled. 6 still to fill against expected demand."
    ).is_visible()
    _no_violations(page, "sufficiency")

    page.get_by_role("link", name="Import from a file").click()
    _no_violations(page, "import page")
    page.get_by_label("Placement offers").check()
    bad = (
        HEADER
        + "Matrix Borough Council,Duty Team,children,yes,final,2026/27,4,2027-01-11,2027-06-04\n"
        + "Matrix Borough Council,Adults Team,adults,perhaps,final,2026/27,2,2027-01-11,2027-06-04\n"
    )
    page.get_by_label("File").set_input_files(_file(bad))
    page.get_by_role("button", name="Upload and check").click()
    assert page.get_by_text("nothing has been imported").is_visible()
    assert page.get_by_role("cell", name="Line 3").is_visible()
    assert page.get_by_text("Statutory 'perhaps' must be yes or no").is_visible()
    _no_violations(page, "import problems")

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Placement offers").check()
    page.get_by_label("File").set_input_files(_file(bad.replace("perhaps", "no")))
    page.get_by_role("button", name="Upload and check").click()
    assert page.get_by_text("Every row is good").is_visible()
    _no_violations(page, "import preview")
    page.get_by_role("button", name="Import 2 rows").click()
    assert page.get_by_text("2 added, 0 updated").is_visible()
    page.get_by_role("link", name="See the result").click()
    # The shortfall is gone: six final places offered for six students.
    assert page.get_by_text(
        "Enough final placements: 6 needed, 6 offered; 0 filled. 6 still to fill against expected demand."
    ).is_visible()

    page.goto(f"/placements/students/{student.pk}/")
    _no_violations(page, "student page")
    page.get_by_role("link", name="Place this student").click()
    # The list holds only offers with room for a final placement in 2026/27; search it by team.
    page.get_by_label("Team or employer").fill("duty")
    page.get_by_role("button", name="Show offers").click()
    page.get_by_label("Placement offer").select_option(
        label="Duty Team, Matrix Borough Council (final placement, 2026/27), statutory: 11 January 2027 to "
        "4 June 2027 - 4 of 4 places free"
    )
    page.get_by_label("Confirmed", exact=True).check()
    _no_violations(page, "placing form")
    page.get_by_role("button", name="Save placement").click()
    assert page.get_by_text("MTX0042 placed at Duty Team").is_visible()
    assert page.get_by_text("11 January 2027 to 4 June 2027").is_visible()
    _no_violations(page, "placement page")

    page.goto(sufficiency)
    assert page.get_by_text(
        "Enough final placements: 6 needed, 6 offered; 1 filled. 5 still to fill against expected demand."
    ).is_visible()

    for url in [
        "/placements/",
        "/placements/offers/?partnership=matrix-tp",
        "/placements/students/?partnership=matrix-tp&flag=no-statutory",
        "/practice-educators/?partnership=matrix-tp",
        "/placements/partnership/matrix-tp/quality/?year=2026/27",
        "/placements/partnership/matrix-tp/programmes/?year=2026/27",
        "/placements/partnership/matrix-tp/data-protection/",
    ]:
        page.goto(url)
        _no_violations(page, url)


def test_a_large_upload_shows_progress_and_lands_on_the_result(page):
    """Files over 200 KB go through the progress-bar upload (static/js/placements.js)."""
    build_world()
    sign_in(page, "lead@matrix.test", PASSWORD)
    rows = "".join(
        f"Matrix Borough Council,Team number {i:05d} with a long name,children,yes,final,2026/27,1,,\n"
        for i in range(3500)
    )
    posts = []
    page.on("request", lambda r: posts.append(r.resource_type) if r.method == "POST" else None)
    page.goto("/placements/partnership/matrix-tp/import/?kind=offers")
    # A long file without a required column: the message about the file shows in place.
    page.get_by_label("Placement offers").check()
    page.get_by_label("File").set_input_files(_file(HEADER.replace("places,", "spaces,") + rows))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_text("Missing: places").first.wait_for()  # the XHR answer replaces the page
    page.get_by_label("Placement offers").check()
    page.get_by_label("File").set_input_files(_file(HEADER + rows + "Nowhere,Team,children,yes,final,2026/27,1,,\n"))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/placements/imports/*/")
    assert page.get_by_role("cell", name="Line 3502").is_visible()
    assert posts == ["xhr", "xhr"]  # both uploads went through the progress-bar path
    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Placement offers").check()
    page.get_by_label("File").set_input_files(_file(HEADER + rows))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/placements/imports/*/")
    assert page.get_by_text("Every row is good").is_visible()
    page.get_by_role("button", name="Import 3,500 rows").click()
    assert page.get_by_text("3,500 added, 0 updated").is_visible()
