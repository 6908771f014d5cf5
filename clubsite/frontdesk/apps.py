from django.apps import AppConfig


class FrontDeskConfig(AppConfig):
    name = "clubsite.frontdesk"
    label = "frontdesk"
    verbose_name = "Front desk"
