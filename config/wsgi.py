"""WSGI entry point for gunicorn (`gunicorn config.wsgi`); runserver loads it too.

Serving is where the secret key is needed (sessions, password-reset and invitation links), so
this is where a missing SECRET_KEY (or audit key, AUDIT_HMAC_KEY) stops the portal, with a
message that says what to do; a missing or local SITE_URL stops it too, since every e-mailed and
printed link is built from it.
"""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (settings are configured by the line above)

# Read through _wrapped: Django's settings object raises its own, vaguer error for an empty key.
if not settings._wrapped.SECRET_KEY:  # type: ignore[misc]  # private on purpose, see above
    raise ImproperlyConfigured(settings.MISSING_SECRET_KEY_MESSAGE)

# Links in e-mails and PDFs come from SITE_URL (portal/links.py); a local or missing address in
# production would mail links nobody can open, so the server does not start with one.
from portal.links import site_url_message, site_url_problem  # noqa: E402

if not settings.DEBUG and not settings.TESTING and (problem := site_url_problem(settings.SITE_URL)):
    raise ImproperlyConfigured(site_url_message(problem))

# The audit trail's key (AUDIT_HMAC_KEY): without it no change could be recorded, so refuse to serve at all.
from portal.audit_keys import problems_with_keys  # noqa: E402

for _problem in problems_with_keys():
    raise ImproperlyConfigured(_problem)
