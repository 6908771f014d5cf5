from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "clubsite.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .db import install_on_connection

        # Every connection Django opens (the site's, a job's, a command's) sends the audit context with its writes.
        connection_created.connect(install_on_connection, dispatch_uid="clubsite.audit.install_on_connection")
