"""The front desk's records: who came in when (visits), and what staff noted about a member."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from clubsite.core.db import text_limit

#: Who may open the desk and see visits, who may check people in, who may read and write staff notes
#: (the front desk role and the manager: operations.staff's role table).
VIEW_VISITS = "frontdesk.view_visit"
CHECK_IN = "frontdesk.add_visit"
VIEW_NOTES = "frontdesk.view_staffnote"
ADD_NOTE = "frontdesk.add_staffnote"

NOTE_MAX_LENGTH = 2000


class Visit(models.Model):
    """One arrival at the club, with how the desk found the member and their membership as it stood then."""

    class Method(models.TextChoices):
        CARD = "card", "Card scan"
        NUMBER = "number", "Member number"
        NAME = "name", "Name"

    class MembershipStatus(models.TextChoices):
        # billing.selectors.MembershipStatus's values.
        ACTIVE = "active", "Active"
        FROZEN = "frozen", "Frozen"
        ENDED = "ended", "Ended"
        NONE = "none", "No membership"

    # No index of its own: (member, checked_in_at) below leads with it.
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="visits", db_index=False)
    checked_in_at = models.DateTimeField(default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    method = models.CharField("found by", max_length=8, choices=Method.choices)
    membership_status = models.CharField(
        max_length=8,
        choices=MembershipStatus.choices,
        help_text="The membership at the door, as the desk saw it.",
    )

    class Meta:
        ordering = ["-checked_in_at", "-id"]
        indexes = [
            models.Index(fields=["checked_in_at"], name="frontdesk_visit_at"),
            models.Index(fields=["member", "checked_in_at"], name="frontdesk_visit_member_at"),
        ]

    def __str__(self) -> str:
        return f"{self.member} at {timezone.localtime(self.checked_in_at):%Y-%m-%d %H:%M}"


class StaffNote(models.Model):
    """A note about a member for staff only ("prefers the early class", "asked about a freeze")."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="staff_notes", db_index=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "created_at"], name="frontdesk_note_member_at")]
        constraints = [text_limit("frontdesk_staffnote", "text", NOTE_MAX_LENGTH)]

    def __str__(self) -> str:
        return f"Note on {self.member} ({timezone.localtime(self.created_at):%Y-%m-%d})"
