"""What operations tells the apps above it, inside the transaction that made it happen.

Operations cannot import billing (billing sits above it), yet a cancelled place or session must come off
the bill whoever cancelled it. So every cancellation service sends ``places_cancelled`` before it returns,
and billing's receiver settles the bill in the same transaction (as pretix sends ``order_canceled`` and its
plugins react). No caller can cancel without settling, and no caller has to know that it must.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.dispatch import Signal

from clubsite.core.events import publish

#: Sent with ``registration_ids`` and ``pt_session_ids`` (tuples of ints: the class places and PT sessions that
#: the cancellation ended) and ``late_registration_ids`` (those given up inside the cut-off), after the service's
#: own writes and inside its transaction. The members concerned are locked already (member rows first: the lock
#: order), so a receiver may lock invoices next. A receiver that raises rolls the whole cancellation back. What
#: receivers return is handed to the caller as ``effects``.
places_cancelled = Signal()

#: Sent when a member is about to hold a place on a day: a class seat or waitlist place, an offered seat accepted,
#: a waitlist promotion, or a PT session (booked or moved). Arguments: ``member_id``, ``start_time`` (the
#: booking's), and either ``registration`` (the ``ClassRegistration``, saved, its status the one it now has) or
#: ``pt_session`` (saved). The member row is locked already. A receiver refuses by raising a ``ClubError``
#: (billing: a frozen membership; no class credit left) and the whole booking rolls back; billing's receiver also
#: records how a seat is paid for (the plan, a credit, a drop-in).
place_taken = Signal()

#: Sent when a class's roll call changes who came: ``attended_ids`` and ``no_show_ids`` (registration ids whose
#: status became ATTENDED or NO_SHOW), inside the marking's transaction, the class row locked. Billing's receiver
#: bills a no-show fee, and takes it back when a no-show is corrected to attended.
attendance_marked = Signal()

T = TypeVar("T")
E = TypeVar("E")


@dataclass(frozen=True)
class Cancelled(Generic[T]):
    """What a cancellation service did: the thing cancelled, who moved up from the waitlist, and what the
    receivers of ``places_cancelled`` did about it (billing's settlement)."""

    target: T
    promoted: tuple = ()
    effects: tuple[object, ...] = field(default=())

    def effect(self, kind: type[E]) -> E | None:
        """The first effect of type ``kind`` (``outcome.effect(Settlement)``), or None."""
        return next((effect for effect in self.effects if isinstance(effect, kind)), None)


class Cause:
    """What ended a place or a session, as the ``cause`` of its ``registration.cancelled`` or
    ``pt_session.cancelled`` event (documented for webhooks in docs/api.md)."""

    PLACE_GIVEN_UP = "place_given_up"  # the member, or staff for them, gave up the one place
    CLASS_CANCELLED = "class_cancelled"  # the whole class was cancelled
    SESSION_CANCELLED = "session_cancelled"  # the PT session itself was cancelled
    BOOKING_CANCELLED = "booking_cancelled"  # a room booking (an event or closure): it ends no place
    OFFER_DECLINED = "offer_declined"  # the member turned down a seat offered from the waitlist
    OFFER_EXPIRED = "offer_expired"  # an offered seat was not accepted in time and passed to the next


def announce_cancelled(
    *,
    sender: type,
    cause: str,
    registration_ids: Iterable[int] = (),
    pt_session_ids: Iterable[int] = (),
    late_registration_ids: Iterable[int] = (),
) -> tuple[object, ...]:
    """Send ``places_cancelled`` and collect what the receivers did (exceptions propagate: all or nothing).

    ``late_registration_ids`` (a subset of ``registration_ids``) are seats the member gave up inside the class
    cancellation cut-off: billing charges the late-cancel fee or keeps the credit that paid for them.
    Each place and session ended is also published as a club event (``registration.cancelled``,
    ``pt_session.cancelled``) for mail and webhooks, with its ``cause`` (a :class:`Cause`).
    """
    registration_ids, pt_session_ids = tuple(registration_ids), tuple(pt_session_ids)
    late = tuple(late_registration_ids)
    responses = places_cancelled.send(
        sender=sender,
        registration_ids=registration_ids,
        pt_session_ids=pt_session_ids,
        late_registration_ids=late,
    )
    for registration_id in registration_ids:
        publish("registration.cancelled", registration_id, cause=cause, late=registration_id in late)
    for session_id in pt_session_ids:
        publish("pt_session.cancelled", session_id, cause=cause)
    return tuple(response for _receiver, response in responses if response is not None)
