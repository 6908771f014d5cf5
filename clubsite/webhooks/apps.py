from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed HTTP deliveries of the club's events to the endpoints staff register."""

    name = "clubsite.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from clubsite.core.events import happened
        from clubsite.jobs.queue import BEFORE_RETRY

        # Registers the "webhook_disabled" notice with the mail job.
        from . import notices  # noqa: F401
        from .receivers import on_event
        from .services import webhook_delivery_reopen

        happened.connect(on_event, dispatch_uid="webhooks.on_event")
        BEFORE_RETRY["webhooks.deliver"] = lambda args: webhook_delivery_reopen(delivery_id=int(args["delivery_id"]))
