from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Preference rounds and matching"

    def ready(self) -> None:
        from matching import registrations  # noqa: F401
