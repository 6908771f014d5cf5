"""Why the front desk could not check someone in or save a note: one table of codes and messages."""

from __future__ import annotations

from clubsite.core.errors import NOT_FOUND, ClubError, Message

from .models import NOTE_MAX_LENGTH


class FrontDeskError(ClubError):
    messages = {
        "query_required": Message("Scan a card, or type a member number or a name.", field="query"),
        "member_required": Message("Choose a member.", field="member"),
        "member_not_found": Message("No member has this card code or member number.", field="query", kind=NOT_FOUND),
        "no_match": Message("No member's card, number or name matches “{query}”.", field="query", kind=NOT_FOUND),
        "method_invalid": Message("Say how the member was found: card, number or name.", field="method"),
        "note_required": Message("Write the note.", field="text"),
        "note_too_long": Message(f"A note can be at most {NOTE_MAX_LENGTH} characters long.", field="text"),
    }
