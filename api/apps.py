from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # The audit share of the scale dataset and the privacy facts (see docs/conventions.md).
        from api import registrations  # noqa: F401
