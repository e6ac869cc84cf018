from django.apps import AppConfig


class HealthcheckConfig(AppConfig):
    name = "healthcheck"
    verbose_name = "Health checks"

    def ready(self) -> None:
        # Dashboard items, the partnership-page panel and reminders (see docs/conventions.md).
        from healthcheck import registrations  # noqa: F401
