from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portal import checks, health, lookups, registrations  # noqa: F401  (checks, health and registrations register on import)
        from portal.jobs import health as jobs_health  # noqa: F401  (registers the queue check)
        from portal.middleware import mark_session_touched

        user_logged_in.connect(mark_session_touched, dispatch_uid="portal.mark_session_touched")
        lookups.register()
