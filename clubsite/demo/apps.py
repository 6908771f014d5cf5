from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for trying the site; it sits above every app because it fills all of them."""

    name = "clubsite.demo"
    label = "demo"
    verbose_name = "Demo data"
