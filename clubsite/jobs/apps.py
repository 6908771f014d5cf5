from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "clubsite.jobs"
    label = "jobs"
    verbose_name = "Jobs"
