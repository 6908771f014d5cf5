from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "clubsite.notifications"
    label = "notifications"
    verbose_name = "Mail to members and trainers"

    def ready(self) -> None:
        from clubsite.core.events import happened

        from . import billing  # noqa: F401 (registers the invoice notices and connects their receiver)
        from .receivers import on_event

        happened.connect(on_event, dispatch_uid="notifications.on_event")
