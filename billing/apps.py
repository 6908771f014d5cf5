from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        # Operations tells billing what happened inside its own transactions (billing sits above it):
        # - the one cancellation path: whoever cancels a class place or a PT session (any door), billing settles
        #   what was billed for it, gives credits back, or charges the late-cancel fee;
        # - a place about to be taken: refused on a frozen day, and a seat is paid for (plan, credit, drop-in);
        # - a roll call: the no-show fee.
        from operations.events import attendance_marked, place_taken, places_cancelled

        from .services.coverage import on_place_taken
        from .services.settlement import on_attendance_marked, on_places_cancelled

        places_cancelled.connect(on_places_cancelled, dispatch_uid="billing.settle_cancelled_places")
        place_taken.connect(on_place_taken, dispatch_uid="billing.cover_place_taken")
        attendance_marked.connect(on_attendance_marked, dispatch_uid="billing.no_show_fees")
