"""Placement pages, one module per area. Views are thin: parse the request, call a selector or a
service, render. Shared helpers are in common.py."""

from placements.views.allocations import (
    placement_create,
    placement_detail,
    placement_list,
    placement_status,
    review_create,
)
from placements.views.checks import (
    check_list,
    requirement_create,
    requirement_edit,
    requirement_remove,
    student_check_record,
    student_check_remove,
)
from placements.views.educators import educator_create, educator_detail, educator_edit, educator_export, educator_list
from placements.views.imports import data_protection, import_detail, import_start, import_template
from placements.views.offers import offer_audit, offer_create, offer_detail, offer_edit, offer_list
from placements.views.planning import (
    commitment_edit,
    demand_edit,
    programme_create,
    programme_edit,
    programme_list,
    quality,
    sufficiency,
)
from placements.views.students import (
    skills_days_create,
    student_create,
    student_detail,
    student_edit,
    student_export,
    student_list,
)

__all__ = [
    "check_list",
    "requirement_create",
    "requirement_edit",
    "requirement_remove",
    "student_check_record",
    "student_check_remove",
    "commitment_edit",
    "data_protection",
    "demand_edit",
    "educator_create",
    "educator_detail",
    "educator_edit",
    "educator_export",
    "educator_list",
    "import_detail",
    "import_start",
    "import_template",
    "offer_audit",
    "offer_create",
    "offer_detail",
    "offer_edit",
    "offer_list",
    "placement_create",
    "placement_detail",
    "placement_list",
    "placement_status",
    "programme_create",
    "programme_edit",
    "programme_list",
    "quality",
    "review_create",
    "skills_days_create",
    "student_create",
    "student_detail",
    "student_edit",
    "student_export",
    "student_list",
    "sufficiency",
]
