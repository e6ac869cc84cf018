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
