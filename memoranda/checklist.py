"""The checklist areas of a Memorandum of Cooperation, each with a short guidance note.

Written in the project's own words from the areas a memorandum may cover. `required` areas must
have text before the memorandum can be sent for signature; the others only raise warnings.
"""

AREAS: list[tuple[str, str, bool, str]] = [
    (
        "aims",
        "Aims and outcomes",
        True,
        "What the partners want to achieve together and how you will know it worked. Keep it to a few aims.",
    ),
    (
        "activities",
        "Activities agreed",
        True,
        "The joint work the partners will do, such as shared teaching, placements or development days.",
    ),
    (
        "responsibilities",
        "Responsibilities of each party",
        True,
        "A short statement of what each party contributes. Use the responsibilities table for detail.",
    ),
    (
        "placements",
        "Placement numbers and priorities",
        False,
        "How many placements each employer offers and which settings get priority, including statutory ones.",
    ),
    (
        "quality",
        "Quality assurance of courses and placements",
        False,
        "How partners check courses and placements: audits, reviews during placements, student feedback.",
    ),
    (
        "assessment",
        "Management of assessment",
        False,
        "Who assesses students in practice and how decisions are moderated.",
    ),
    (
        "admissions",
        "Recruitment and admissions",
        False,
        "How employers and people with lived experience take part in selection.",
    ),
    ("asye", "ASYE arrangements", False, "Support for newly qualified social workers in their first year."),
    ("cpd", "CPD priorities", False, "Continuing development the partners will plan and offer together."),
    (
        "involvement",
        "Service user and carer involvement",
        False,
        "How people who use services and carers take part, and how they are paid for their time.",
    ),
    (
        "workforce",
        "Workforce planning and data sharing",
        False,
        "What figures partners share, how often, and how personal data is kept out of it.",
    ),
    ("governance", "Governance and meetings", False, "Which groups oversee the partnership and how often they meet."),
    ("resources", "Resources and funding", False, "Staff time and money each partner puts in."),
    ("review", "Review arrangements", True, "When and how the partners will review this memorandum together."),
    ("term", "Term and ending", False, "How long the memorandum lasts and how a party may leave it."),
]

REQUIRED_KEYS = [key for key, _, required, _ in AREAS if required]


# --- Where each kind of memorandum starts -----------------------------------------------------
# An overarching principles agreement sets out why and how the partners work together; an
# operational agreement sets out who delivers what (placements, assessment, ASYE). Each starts from
# the areas that fit its purpose, with guidance written for it; the completeness check follows the
# same list, so a principles agreement is not nagged about assessment moderation, nor an
# operational one about governance it inherits from the overarching agreement.

_PRINCIPLES_AREAS = [
    "aims",
    "activities",
    "responsibilities",
    "involvement",
    "workforce",
    "governance",
    "resources",
    "review",
    "term",
]
_OPERATIONAL_AREAS = [
    "aims",
    "activities",
    "responsibilities",
    "placements",
    "quality",
    "assessment",
    "admissions",
    "asye",
    "cpd",
    "review",
    "term",
]
_GUIDANCE = {
    "principles": {
        "aims": (
            "The shared aims of the partnership and the outcomes for people who use services that the partners "
            "will judge it by. A few aims, not a plan."
        ),
        "activities": (
            "The kinds of joint work the partners commit to in principle; operational agreements say who delivers "
            "each and when."
        ),
        "responsibilities": (
            "What each party brings: leadership, staff time, money, places. Use the responsibilities table for detail."
        ),
        "governance": "Which board or group leads the partnership at a senior level, who chairs it and how often it meets.",
        "review": "When the partners review this agreement together (usually every year) and who calls the review.",
    },
    "operational": {
        "aims": ("What this agreement delivers, and which aims of the overarching principles agreement it serves."),
        "activities": "The work covered here, with dates or terms: placement blocks, teaching days, skills days.",
        "responsibilities": (
            "Who does what to deliver it: teams offering placements, practice educators, tutors. Use the "
            "responsibilities table for each party's part."
        ),
        "placements": (
            "Places each employer offers by stage (first and final) and setting, and how statutory final "
            "placements are shared out."
        ),
        "review": "How delivery is checked during the year and when the partners review this agreement.",
    },
}
KIND_AREAS = {"principles": _PRINCIPLES_AREAS, "operational": _OPERATIONAL_AREAS}


def areas_for(kind: str) -> list[tuple[str, str, bool, str]]:
    """(key, heading, required, guidance) for the areas a memorandum of this kind starts from and
    is checked against, in order; an unknown kind gets every area."""
    by_key = {area[0]: area for area in AREAS}
    keys = KIND_AREAS.get(kind, [key for key, *_ in AREAS])
    guidance = _GUIDANCE.get(kind, {})
    return [(key, by_key[key][1], by_key[key][2], guidance.get(key, by_key[key][3])) for key in keys]
