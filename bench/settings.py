"""Settings for the benchmark server: production settings plus timing headers and the floor view.

The portal's own settings are used unchanged except where a benchmark on loopback needs otherwise
(plain HTTP, no login throttling for many clients), so the figures describe the real code paths.
"""

import warnings

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

# Outermost, so the time it reports covers every other middleware and the view.
MIDDLEWARE = ["bench.middleware.ServerTimingMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
AXES_ENABLED = False  # the runner signs in many clients from one address
API_RATE_LIMIT = (10**9, 60)  # the counter is still written on every call; it never refuses one
# Static files come straight from static/ so the bench needs no collectstatic step.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Whitenoise serves from static/ through the finders; there is no collectstatic folder to warn about.
warnings.filterwarnings("ignore", message="No directory at")
