"""Practice learning: academic years, programmes and demand, placement offers (capacity),
students, placements, the practice educator register and quality reviews; one module per area,
as the services and pages are. Every model and constant is importable from here
(`placements.models.Placement`), which is also what Django loads.

Rules that need the database as a whole (overlaps, over-allocation) live in the services, where
they run under a row lock; rules about one row live here in constraints and `clean()`.
"""

from placements.models.allocations import (
    FILLED,
    HOLDS_PLACE,
    REVIEW_GRACE_DAYS,
    TRANSITIONS,
    EndReason,
    Performance,
    Placement,
    PlacementStatus,
    QualityReview,
    Rating,
    ReviewPoint,
    ReviewQuerySet,
    ReviewRole,
)
from placements.models.checks import CheckRequirement, StudentCheck, StudentCheckQuerySet
from placements.models.data_protection import PlacementPolicy
from placements.models.educators import (
    LAPSING_WINDOW_DAYS,
    Currency,
    EducatorStatus,
    PracticeEducator,
    PracticeEducatorQuerySet,
)
from placements.models.imports import ImportBatch, ImportKind, ImportStatus
from placements.models.offers import OfferQuerySet, OfferStage, PlacementOffer, ServiceArea, SettingAudit, Stage
from placements.models.planning import DemandQuerySet, EmployerCommitment, Programme, ProgrammeDemand, ProgrammeLevel
from placements.models.students import SkillsDays, SkillsDaysQuerySet, Student
from placements.models.years import AcademicYear, AcademicYearQuerySet, add_years

__all__ = [
    "FILLED",
    "HOLDS_PLACE",
    "LAPSING_WINDOW_DAYS",
    "REVIEW_GRACE_DAYS",
    "TRANSITIONS",
    "AcademicYear",
    "AcademicYearQuerySet",
    "CheckRequirement",
    "Currency",
    "DemandQuerySet",
    "EducatorStatus",
    "EmployerCommitment",
    "EndReason",
    "ImportBatch",
    "ImportKind",
    "ImportStatus",
    "OfferQuerySet",
    "OfferStage",
    "Performance",
    "Placement",
    "PlacementOffer",
    "PlacementPolicy",
    "PlacementStatus",
    "PracticeEducator",
    "PracticeEducatorQuerySet",
    "Programme",
    "ProgrammeDemand",
    "ProgrammeLevel",
    "QualityReview",
    "Rating",
    "ReviewPoint",
    "ReviewQuerySet",
    "ReviewRole",
    "ServiceArea",
    "SettingAudit",
    "SkillsDays",
    "SkillsDaysQuerySet",
    "Stage",
    "Student",
    "StudentCheck",
    "StudentCheckQuerySet",
    "add_years",
]
