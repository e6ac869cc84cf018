"""The demo seed: contract partnerships by slug, several years, idempotent, skips what is missing."""

import io

import pytest

from placements import demo
from placements.models import AcademicYear, Placement, PlacementOffer, PracticeEducator, QualityReview, Student
from tests import factories as f

pytestmark = pytest.mark.django_db


def _demo_partnership(slug: str):
    partnership = f.PartnershipFactory(slug=slug, name=slug.replace("-", " ").title())
    for name in ["Council A", "Council B"]:
        f.PartnerFactory(partnership=partnership, organisation=f.OrganisationFactory(name=f"{name} {slug}"))
    f.PartnerFactory(partnership=partnership, organisation=f.UniversityFactory(name=f"University {slug}"))
    return partnership


def _counts():
    return tuple(m.objects.count() for m in (PlacementOffer, Placement, PracticeEducator, Student, QualityReview))


def test_demo_seeds_the_contract_partnerships_over_several_years_and_is_idempotent():
    west = _demo_partnership("west-london-alliance")
    _demo_partnership("cumbria")
    stranger = _demo_partnership("not-in-the-demo")
    out = io.StringIO()
    demo.seed(out)
    assert "west-london-alliance, cumbria" in out.getvalue()
    counts = _counts()
    assert all(counts)
    assert not PlacementOffer.objects.filter(partnership=stranger).exists()
    years = set(Placement.objects.filter(partnership=west).values_list("academic_year__label", flat=True))
    assert years == {"2024/25", "2025/26", "2026/27"}
    assert PlacementOffer.objects.filter(partnership=west, academic_year__label="2027/28").exists()
    # Students carry a first placement one year and their final placement the next.
    assert (
        Student.objects.filter(partnership=west, placements__stage="first").filter(placements__stage="final").exists()
    )
    # As of the demo's today, the current year's first placements are under way and finals ahead.
    current = Placement.objects.filter(partnership=west, academic_year__label="2026/27")
    assert set(current.filter(stage="first").values_list("status", flat=True)) == {"in-progress"}
    assert set(current.filter(stage="final").values_list("status", flat=True)) <= {"confirmed", "proposed"}
    demo.seed(io.StringIO())
    assert _counts() == counts
    assert AcademicYear.objects.count() == 4


def test_demo_without_partnerships_adds_only_years():
    out = io.StringIO()
    demo.seed(out)
    assert "only academic years added" in out.getvalue()
    assert PlacementOffer.objects.count() == 0
