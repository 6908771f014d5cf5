"""Why an export or an erasure could not be done: one table of codes and messages."""

from __future__ import annotations

from clubsite.core.errors import CONFLICT, FORBIDDEN, NOT_FOUND, ClubError, Message


class PrivacyError(ClubError):
    messages = {
        "erasure_already_requested": Message(
            "You have already asked to be erased; staff will deal with it. You can call it off until then.",
            kind=CONFLICT,
        ),
        "erasure_not_found": Message("This erasure request does not exist.", kind=NOT_FOUND),
        "erasure_not_pending": Message(
            "This erasure request is no longer pending (done or called off).", kind=CONFLICT
        ),
        "erasure_forbidden": Message("Only a manager can approve an erasure.", kind=FORBIDDEN),
        "member_erased": Message("This member has been erased: there is no personal data left.", kind=CONFLICT),
        # Approval is refused, with what to do first: the club settles and ends the contract before erasing.
        "erasure_membership_live": Message(
            "The member's membership still runs, or one is arranged: end it first (a membership given notice on "
            "can be erased once its last day has passed).",
            kind=CONFLICT,
        ),
        "erasure_balance_unpaid": Message(
            "The member owes {amount} (issued or draft invoices): record the payment or void the invoice first, so "
            "no bill is left to collect from an erased person.",
            kind=CONFLICT,
        ),
        "erasure_bookings_ahead": Message(
            "The member has {count} class place(s) or session(s) to come: cancel them first.", kind=CONFLICT
        ),
    }
