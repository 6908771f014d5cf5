from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        # The one cancellation path: whoever cancels a class place or a PT session (any door), operations
        # sends this inside its transaction and billing settles what was billed for it there.
        from operations.events import places_cancelled

        from .services.settlement import on_places_cancelled

        places_cancelled.connect(on_places_cancelled, dispatch_uid="billing.settle_cancelled_places")
