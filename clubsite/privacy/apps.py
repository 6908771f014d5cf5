from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "clubsite.privacy"
    label = "privacy"
    verbose_name = "Privacy"
