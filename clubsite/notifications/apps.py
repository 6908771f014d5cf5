from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "clubsite.notifications"
    label = "notifications"
    verbose_name = "Mail to members and trainers"

    def ready(self) -> None:
        from clubsite.core.events import happened

        from . import accounts, billing  # noqa: F401 (register their notices; billing connects its receiver)
        from .receivers import on_event

        happened.connect(on_event, dispatch_uid="notifications.on_event")
