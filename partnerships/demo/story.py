"""The demo's story: the organisations (real public bodies, except those marked invented), the five
partnerships, the demo users and their roles, the aims and the governance meetings, written around
portal.demo_clock.ANCHOR (23 November 2026). build.py makes the rows from it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from partnerships.models import OrganisationKind, Region, Role

DEMO_PASSWORD = "demo-password"
DEMO_PARTNERSHIP_SLUGS = ["west-london-alliance", "salford-greater-manchester", "leeds-wakefield", "neswa", "cumbria"]

LA = OrganisationKind.LOCAL_AUTHORITY
HEI = OrganisationKind.UNIVERSITY
VOL = OrganisationKind.VOLUNTARY
IND = OrganisationKind.INDEPENDENT
SUC = OrganisationKind.SERVICE_USER_GROUP

# name: (kind, region, local authority services, website). Real public bodies, except the
# service user and carer group and the Cumbrian providers, whose names are invented.
ORGANISATIONS: dict[str, tuple[str, str, str, str]] = {
    "London Borough of Brent": (LA, Region.LONDON, "both", "https://www.brent.gov.uk"),
    "London Borough of Ealing": (LA, Region.LONDON, "both", "https://www.ealing.gov.uk"),
    "London Borough of Hammersmith and Fulham": (LA, Region.LONDON, "both", "https://www.lbhf.gov.uk"),
    "London Borough of Harrow": (LA, Region.LONDON, "both", "https://www.harrow.gov.uk"),
    "London Borough of Hillingdon": (LA, Region.LONDON, "both", "https://www.hillingdon.gov.uk"),
    "London Borough of Hounslow": (LA, Region.LONDON, "both", "https://www.hounslow.gov.uk"),
    "Royal Borough of Kensington and Chelsea": (LA, Region.LONDON, "both", "https://www.rbkc.gov.uk"),
    "Westminster City Council": (LA, Region.LONDON, "both", "https://www.westminster.gov.uk"),
    "Brunel University London": (HEI, Region.LONDON, "", "https://www.brunel.ac.uk"),
    "Kingston University": (HEI, Region.LONDON, "", "https://www.kingston.ac.uk"),
    "Middlesex University": (HEI, Region.LONDON, "", "https://www.mdx.ac.uk"),
    "University of West London": (HEI, Region.LONDON, "", "https://www.uwl.ac.uk"),
    "West London Experts by Experience Forum": (SUC, Region.LONDON, "", ""),
    "University of Salford": (HEI, Region.NORTH_WEST, "", "https://www.salford.ac.uk"),
    "Salford City Council": (LA, Region.NORTH_WEST, "both", "https://www.salford.gov.uk"),
    "Tameside Metropolitan Borough Council": (LA, Region.NORTH_WEST, "both", "https://www.tameside.gov.uk"),
    "Bolton Council": (LA, Region.NORTH_WEST, "both", "https://www.bolton.gov.uk"),
    "Wigan Council": (LA, Region.NORTH_WEST, "adults", "https://www.wigan.gov.uk"),
    "Stockport Council": (LA, Region.NORTH_WEST, "both", "https://www.stockport.gov.uk"),
    "Oldham Council": (LA, Region.NORTH_WEST, "children", "https://www.oldham.gov.uk"),
    "After Adoption": (VOL, Region.NORTH_WEST, "", "https://www.afteradoption.org.uk"),
    "Leeds City Council": (LA, Region.YORKSHIRE, "both", "https://www.leeds.gov.uk"),
    "Wakefield Council": (LA, Region.YORKSHIRE, "both", "https://www.wakefield.gov.uk"),
    "Leeds Beckett University": (HEI, Region.YORKSHIRE, "", "https://www.leedsbeckett.ac.uk"),
    "University of Huddersfield": (HEI, Region.YORKSHIRE, "", "https://www.hud.ac.uk"),
    "Darlington Borough Council": (LA, Region.NORTH_EAST, "both", "https://www.darlington.gov.uk"),
    "Durham County Council": (LA, Region.NORTH_EAST, "both", "https://www.durham.gov.uk"),
    "Gateshead Council": (LA, Region.NORTH_EAST, "both", "https://www.gateshead.gov.uk"),
    "Hartlepool Borough Council": (LA, Region.NORTH_EAST, "both", "https://www.hartlepool.gov.uk"),
    "Middlesbrough Council": (LA, Region.NORTH_EAST, "both", "https://www.middlesbrough.gov.uk"),
    "Newcastle City Council": (LA, Region.NORTH_EAST, "both", "https://www.newcastle.gov.uk"),
    "North Tyneside Council": (LA, Region.NORTH_EAST, "both", "https://my.northtyneside.gov.uk"),
    "Northumberland County Council": (LA, Region.NORTH_EAST, "both", "https://www.northumberland.gov.uk"),
    "Redcar and Cleveland Borough Council": (LA, Region.NORTH_EAST, "both", "https://www.redcar-cleveland.gov.uk"),
    "South Tyneside Council": (LA, Region.NORTH_EAST, "both", "https://www.southtyneside.gov.uk"),
    "Stockton-on-Tees Borough Council": (LA, Region.NORTH_EAST, "both", "https://www.stockton.gov.uk"),
    "Sunderland City Council": (LA, Region.NORTH_EAST, "both", "https://www.sunderland.gov.uk"),
    "Durham University": (HEI, Region.NORTH_EAST, "", "https://www.durham.ac.uk"),
    "Newcastle University": (HEI, Region.NORTH_EAST, "", "https://www.ncl.ac.uk"),
    "Northumbria University": (HEI, Region.NORTH_EAST, "", "https://www.northumbria.ac.uk"),
    "University of Sunderland": (HEI, Region.NORTH_EAST, "", "https://www.sunderland.ac.uk"),
    "Teesside University": (HEI, Region.NORTH_EAST, "", "https://www.tees.ac.uk"),
    "The Open University in the North East": (HEI, Region.NORTH_EAST, "", "https://www.open.ac.uk"),
    "University of Cumbria": (HEI, Region.NORTH_WEST, "", "https://www.cumbria.ac.uk"),
    "Cumberland Council": (LA, Region.NORTH_WEST, "both", "https://www.cumberland.gov.uk"),
    "Fellside Family Support": (VOL, Region.NORTH_WEST, "", ""),
    "Eden Valley Carers Network": (VOL, Region.NORTH_WEST, "", ""),
    "Solway Independent Fostering": (IND, Region.NORTH_WEST, "", ""),
    "Lakeland Advocacy Trust": (VOL, Region.NORTH_WEST, "", ""),
}

# Published ONS GSS codes of the demo's real local authorities (London boroughs E09, metropolitan
# districts E08, unitary authorities E06). Only codes we are sure of; the others stay blank for a
# lead to fill in. No UKPRNs are filled in: the demo does not guess official numbers.
GSS_CODES: dict[str, str] = {
    "London Borough of Brent": "E09000005",
    "London Borough of Ealing": "E09000009",
    "London Borough of Hammersmith and Fulham": "E09000013",
    "London Borough of Harrow": "E09000015",
    "London Borough of Hillingdon": "E09000017",
    "London Borough of Hounslow": "E09000018",
    "Royal Borough of Kensington and Chelsea": "E09000020",
    "Westminster City Council": "E09000033",
    "Bolton Council": "E08000001",
    "Oldham Council": "E08000004",
    "Salford City Council": "E08000006",
    "Stockport Council": "E08000007",
    "Tameside Metropolitan Borough Council": "E08000008",
    "Wigan Council": "E08000010",
    "Newcastle City Council": "E08000021",
    "North Tyneside Council": "E08000022",
    "South Tyneside Council": "E08000023",
    "Sunderland City Council": "E08000024",
    "Leeds City Council": "E08000035",
    "Wakefield Council": "E08000036",
    "Gateshead Council": "E08000037",
    "Hartlepool Borough Council": "E06000001",
    "Middlesbrough Council": "E06000002",
    "Redcar and Cleveland Borough Council": "E06000003",
    "Stockton-on-Tees Borough Council": "E06000004",
    "Darlington Borough Council": "E06000005",
    "Durham County Council": "E06000047",
    "Northumberland County Council": "E06000057",
}

WLA_BOROUGHS = [
    "London Borough of Brent",
    "London Borough of Ealing",
    "London Borough of Hammersmith and Fulham",
    "London Borough of Harrow",
    "London Borough of Hillingdon",
    "London Borough of Hounslow",
    "Royal Borough of Kensington and Chelsea",
    "Westminster City Council",
]
NESWA_COUNCILS = [
    "Darlington Borough Council",
    "Durham County Council",
    "Gateshead Council",
    "Hartlepool Borough Council",
    "Middlesbrough Council",
    "Newcastle City Council",
    "North Tyneside Council",
    "Northumberland County Council",
    "Redcar and Cleveland Borough Council",
    "South Tyneside Council",
    "Stockton-on-Tees Borough Council",
    "Sunderland City Council",
]

PARTNERSHIPS: list[dict[str, Any]] = [
    {
        "slug": "west-london-alliance",
        "name": "West London Alliance Teaching Partnership",
        "region": Region.LONDON,
        "status": "active",
        "established_on": dt.date(2016, 9, 1),
        "description": (
            "Eight west London boroughs, four universities and a forum of people with lived experience of "
            "social care, training social workers together: shared placements, a practice educator pathway "
            "and one offer for newly qualified staff across the sub-region."
        ),
        "lead_partner": "London Borough of Ealing",
        "partners": [*WLA_BOROUGHS]
        + [
            "Brunel University London",
            "Kingston University",
            "Middlesex University",
            "University of West London",
            "West London Experts by Experience Forum",
        ],
    },
    {
        "slug": "salford-greater-manchester",
        "name": "Salford and Greater Manchester Social Work Partnership",
        "region": Region.NORTH_WEST,
        "status": "sustaining",
        "established_on": dt.date(2015, 4, 1),
        "description": (
            "A university with one of the largest social work programmes in the country and six councils "
            "around it, with a voluntary adoption support agency, sharing the work of finding, supporting "
            "and assuring several hundred placements a year."
        ),
        "lead_partner": "University of Salford",
        "partners": [
            "University of Salford",
            "Salford City Council",
            "Tameside Metropolitan Borough Council",
            "Bolton Council",
            "Wigan Council",
            "Stockport Council",
            "Oldham Council",
            "After Adoption",
        ],
    },
    {
        "slug": "leeds-wakefield",
        "name": "Leeds and Wakefield Social Work Teaching Partnership",
        "region": Region.YORKSHIRE,
        "status": "active",
        "established_on": dt.date(2017, 1, 9),
        "description": (
            "Two councils and two universities, where adults' and children's services have an equal voice: "
            "six voices round one table, common placement paperwork and joint training across both councils."
        ),
        "lead_partner": "Leeds City Council",
        "partners": [
            "Leeds City Council",
            "Wakefield Council",
            "Leeds Beckett University",
            "University of Huddersfield",
        ],
    },
    {
        "slug": "neswa",
        "name": "North East Social Work Alliance",
        "region": Region.NORTH_EAST,
        "status": "sustaining",
        "established_on": dt.date(2016, 2, 1),
        "description": (
            "Twelve councils and six universities across the North East, run by a small delivery team on a "
            "'task and finish' basis, with every partner contributing to keep the shared work going."
        ),
        "lead_partner": "Durham County Council",
        "partners": [
            *NESWA_COUNCILS,
            "Durham University",
            "Newcastle University",
            "Northumbria University",
            "University of Sunderland",
            "Teesside University",
            "The Open University in the North East",
        ],
    },
    {
        "slug": "cumbria",
        "name": "Cumbria Teaching Partnership",
        "region": Region.NORTH_WEST,
        "status": "active",
        "established_on": dt.date(2018, 9, 1),
        "description": (
            "A large rural county: one university, one council and four voluntary and independent providers "
            "growing a pipeline of practice educators and researching rural social work."
        ),
        "lead_partner": "Cumberland Council",
        "partners": [
            "Cumberland Council",
            "University of Cumbria",
            "Fellside Family Support",
            "Eden Valley Carers Network",
            "Solway Independent Fostering",
            "Lakeland Advocacy Trust",
        ],
    },
]

DEMO_USERS = {
    "lead@example.org": ("Nadia Brennan", "Teaching partnership programme manager", False),
    "signatory@example.org": ("Marcus Ellery", "Assistant Director, Children's Services", False),
    "coordinator@example.org": ("Jo Whitfield", "Practice learning coordinator", False),
    "member@example.org": ("Sam Adeyemi", "Service user and carer representative", False),
    "admin@example.org": ("Alex Morgan", "Portal administrator", True),
}

# (e-mail, role, organisation represented, job title) for the demo users.
DEMO_MEMBERSHIPS: dict[str, list[tuple[str, str, str | None, str]]] = {
    "west-london-alliance": [
        ("lead@example.org", Role.LEAD, "London Borough of Ealing", "Teaching partnership programme manager"),
        (
            "signatory@example.org",
            Role.SIGNATORY,
            "London Borough of Ealing",
            "Assistant Director, Children's Services",
        ),
        ("coordinator@example.org", Role.COORDINATOR, "London Borough of Hounslow", "Practice learning coordinator"),
        ("member@example.org", Role.MEMBER, "West London Experts by Experience Forum", "Expert by experience"),
    ],
    "salford-greater-manchester": [
        ("lead@example.org", Role.LEAD, "University of Salford", "Partnership manager"),
        ("coordinator@example.org", Role.COORDINATOR, "Salford City Council", "Practice learning coordinator"),
        ("member@example.org", Role.MEMBER, None, "Service user and carer representative"),
    ],
    "leeds-wakefield": [
        ("signatory@example.org", Role.SIGNATORY, "Wakefield Council", "Assistant Director, Adult Social Care"),
        ("coordinator@example.org", Role.COORDINATOR, "Leeds City Council", "Workforce development lead"),
    ],
    "neswa": [],
    "cumbria": [("coordinator@example.org", Role.MEMBER, "Cumberland Council", "Practice education lead")],
}

FIRST_NAMES = (
    "Aisha Bronwen Callum Dilys Eamon Fatima Gareth Hollie Idris Jasmin Keir Leona Mared Niall Oona Parveen "
    "Rhodri Saoirse Tomasz Ulla"
).split()
LAST_NAMES = (
    "Ashworth Blakemore Carrow Dallimore Eskdale Farrant Grisedale Hebblethwaite Ingleby Jarrold Kettlewell "
    "Lowther Mossop Nettleship Ousby Penrose Quayle Rothery Satterthwaite Tunstall"
).split()


AIMS = [
    (
        "Enough good placements for every student",
        "Students learn in well-supported placements, and every one of them has a statutory placement.",
        [
            (
                "Every student has a statutory placement before qualifying",
                "Share of final-year students with a confirmed statutory placement",
                "100% in every academic year",
                "The operational group checks placement figures each term and reports gaps to the board.",
                {
                    OrganisationKind.LOCAL_AUTHORITY: "Offers statutory placements in frontline teams every year.",
                    OrganisationKind.UNIVERSITY: "Shares student numbers by programme by 1 June.",
                },
            ),
            (
                "Placement demand is known a year ahead",
                "Programmes whose demand is recorded before the academic year starts",
                "All programmes by 1 June",
                "Reviewed at the summer board meeting.",
                {OrganisationKind.UNIVERSITY: "Records demand for each programme in the portal."},
            ),
        ],
    ),
    (
        "Grow and keep practice educators",
        "More practitioners train as practice educators and stay current.",
        [
            (
                "More practice educators are current",
                "Practice educators who supported a student in the last two years and did CPD this year",
                "Up by a tenth each year",
                "The practice educator forum reviews the register twice a year.",
                {
                    OrganisationKind.LOCAL_AUTHORITY: "Releases staff for practice educator training and CPD.",
                    OrganisationKind.UNIVERSITY: "Runs the practice educator programme at both stages.",
                },
            ),
        ],
    ),
    (
        "People who use services shape social work education",
        "Experts by experience take part in admissions, teaching and governance, and are paid fairly for it.",
        [
            (
                "Experts by experience sit on every admissions panel",
                "Share of admissions interviews with an expert by experience on the panel",
                "Every interview",
                "The forum's own survey each summer, reported to the board.",
                {
                    OrganisationKind.SERVICE_USER_GROUP: "Recruits and supports panel members.",
                    OrganisationKind.UNIVERSITY: "Pays panel members promptly at the agreed rate.",
                },
            ),
        ],
    ),
]


# The governance groups' meetings on the story's calendar (portal.demo_clock moves them to the
# day the demo is built, never after it). {year} and {last_year} are the story's 2026/27 and 2025/26.
YEAR_LABELS = {"year": "2026/27", "last_year": "2025/26"}
MEETINGS = {
    "Strategic board": [
        (
            dt.date(2026, 3, 12),
            "Assistant directors from the councils; heads of social work from the universities; programme manager",
            "Agreed the placement priorities for {year}. Asked the operational group for a practice educator plan.",
        ),
        (
            dt.date(2026, 6, 18),
            "Assistant directors; heads of social work; two experts by experience; programme manager",
            "Approved the practice educator plan. Agreed to review the memorandum of cooperation in the autumn.",
        ),
        (
            dt.date(2026, 9, 24),
            "Assistant directors; heads of social work; programme manager",
            "Noted statutory placement coverage for {last_year}. Started the annual health check.",
        ),
    ],
    "Operational group": [
        (
            dt.date(2026, 10, 8),
            "Practice learning coordinators from each partner; placement leads from the universities",
            "Matched autumn first placements. Two teams to be audited before January.",
        ),
        (
            dt.date(2026, 11, 12),
            "Practice learning coordinators; placement leads",
            "Final placement offers for spring confirmed; shortfall in adults' teams raised with the board.",
        ),
    ],
}
