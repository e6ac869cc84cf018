from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # Permissions, the audit listener that turns changes into events, the daily due events
        # and the partnership-page section (see docs/conventions.md and docs/webhooks.md).
        from webhooks import registrations  # noqa: F401
