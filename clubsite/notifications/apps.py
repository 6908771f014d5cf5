from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "clubsite.notifications"
    label = "notifications"
    verbose_name = "Mail to members and trainers"

    def ready(self) -> None:
        from clubsite.accounts.events import sign_up_requested
        from clubsite.core.events import happened

        # Register their notices; billing and memberships connect their receivers.
        from . import accounts, billing, memberships  # noqa: F401
        from .receivers import on_event

        happened.connect(on_event, dispatch_uid="notifications.on_event")
        sign_up_requested.connect(accounts.on_sign_up_requested, dispatch_uid="notifications.sign_up")
