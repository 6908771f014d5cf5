from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed HTTP deliveries of the club's events to the endpoints staff register."""

    name = "clubsite.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from clubsite.core.events import happened

        # Registers the "webhook_disabled" notice with the mail job.
        from . import notices  # noqa: F401
        from .receivers import on_event

        happened.connect(on_event, dispatch_uid="webhooks.on_event")
