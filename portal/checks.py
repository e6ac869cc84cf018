"""System checks of our own (registered in PortalConfig.ready)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from portal.audit_keys import problems_with_keys
from portal.links import site_url_message, site_url_problem


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    """`check --deploy` names the missing key in the same words as the server does when it stops."""
    # Read through _wrapped: Django's settings object raises its own, vaguer error for an empty key.
    if settings._wrapped.SECRET_KEY:
        return []
    return [Error(settings.MISSING_SECRET_KEY_MESSAGE, id="portal.E001")]


@register(Tags.security, deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """Links in e-mails and signed PDFs are built from SITE_URL, so production needs a real one."""
    if settings.DEBUG:
        return []
    problem = site_url_problem(settings.SITE_URL)
    return [Error(site_url_message(problem), id="portal.E002")] if problem else []


@register(Tags.security, deploy=True)
def audit_key_is_set(app_configs, **kwargs):
    """The audit chain's HMAC key must come from the environment, never the database."""
    return [Error(problem, id="portal.E003") for problem in problems_with_keys()]


@register(Tags.security, deploy=True)
def pdf_seal_is_configured(app_configs, **kwargs):
    """Signed memoranda carry the portal's digital seal only when its certificate is configured;
    without one they are stored unsealed (verifiable by fingerprint alone), which an operator
    must hear before going live."""
    from portal.seal import configuration_problems

    return [Warning(problem, id="portal.W001") for problem in configuration_problems()]
