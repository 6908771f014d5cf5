"""The audit trail: one row per row inserted, changed or deleted in an audited table, written by triggers."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """What changed in an audited table, when, by whom and through which door; never changed nor deleted.

    Written only by the database (``audit_record()``, audit/0002): whatever writes the row, a service, the admin,
    a job or a person at a SQL prompt, the trigger records it in the same transaction. ``actor``, ``actor_label``
    and ``door`` come from the context the site sends with each write (``clubsite.audit.context``); a write
    that sent none is door ``sql``.
    """

    class Action(models.TextChoices):
        INSERT = "insert", "Insert"
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"

    class Door(models.TextChoices):
        PORTAL = "portal", "Portal"
        ADMIN = "admin", "Admin"
        DESK = "desk", "Front desk"
        API = "api", "API"
        JOB = "job", "Job"
        COMMAND = "command", "Command"
        SITE = "site", "Site (sign-up, sign-in, links in mail)"
        SQL = "sql", "SQL (no context)"

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_default=models.Func(function="clock_timestamp"), help_text="When the change was made.")
    table_name = models.CharField(max_length=63, help_text="The table changed.")
    object_id = models.CharField(
        max_length=40,
        help_text="The row's id; for a link table (a user's groups, a group's permissions) the owner's: the user's or "
        "the group's id.",
    )
    action = models.CharField(max_length=6, choices=Action.choices)
    # No constraint: the trail outlives the user (an erased or deleted account keeps its history).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        # The (actor, at) index below leads with it.
        db_index=False,
        help_text="Who was signed in; empty for a job, a command or SQL.",
    )
    actor_label = models.CharField(
        max_length=254,
        blank=True,
        help_text="Who, as it read then: the email signed in, or the job's or command's name.",
    )
    door = models.CharField(max_length=8, choices=Door.choices)
    before = models.JSONField(null=True, blank=True, help_text="The row before (an update: the columns it changed).")
    after = models.JSONField(null=True, blank=True, help_text="The row after (an update: the columns it changed).")
    txid = models.BigIntegerField(help_text="The database transaction: events of one change share it.")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["table_name", "object_id", "at"], name="audit_event_object_at"),
            models.Index(fields=["actor", "at"], name="audit_event_actor_at"),
            models.Index(fields=["at"], name="audit_event_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.table_name} {self.object_id}"
