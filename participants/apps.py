from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Students and practice educators who sign in"

    def ready(self) -> None:
        from participants import registrations  # noqa: F401
