from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "calendars"
    verbose_name = "Calendars and calendar feeds"

    def ready(self) -> None:
        from calendars import registrations  # noqa: F401
