from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "clubsite.backoffice"
    label = "backoffice"
    verbose_name = "Back office"
