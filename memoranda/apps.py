from django.apps import AppConfig


class MemorandaConfig(AppConfig):
    name = "memoranda"
    verbose_name = "Memoranda of Cooperation"

    def ready(self):
        from memoranda import registrations  # noqa: F401
