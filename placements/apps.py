from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = "Placements and practice learning"

    def ready(self) -> None:
        from placements import registrations  # noqa: F401
