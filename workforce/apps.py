from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = "Workforce planning"

    def ready(self) -> None:
        from workforce import registrations  # noqa: F401
