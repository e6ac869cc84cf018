"""Demo partnerships for `manage.py seed_demo`: real public organisation names from the seeds,
invented people (e-mails at example.org).

The contract other apps rely on (team brief): the five partnerships in DEMO_PARTNERSHIP_SLUGS;
the demo users lead@, signatory@, coordinator@, member@ and admin@example.org with the roles
in story.py; every current partner organisation has at least one signatory representing it; every
partnership has an invented lead and coordinator. Governance meetings are dated by
portal.demo_clock: each falls within the year up to the day the demo is built, never after it.
The story (who, what, when) is in story.py; build.py makes the rows, idempotently: everything is
found by a natural key first, so a second run creates nothing.
"""

from partnerships.demo.build import demo_password_hash, seed
from partnerships.demo.story import DEMO_PARTNERSHIP_SLUGS, DEMO_PASSWORD, MEETINGS

__all__ = ["DEMO_PARTNERSHIP_SLUGS", "DEMO_PASSWORD", "MEETINGS", "demo_password_hash", "seed"]
