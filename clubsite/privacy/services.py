"""Erasure on request (GDPR art. 17): the member asks, may call it off while pending, and staff approve.

Approval is one transaction under the member's lock: it refuses while the club still has a contract or a bill
with the person (end the membership, settle or void the bill, cancel what is booked: a real club does that
first, and it keeps the erasure from leaving a debt nobody can be asked for), then anonymises them
(``members.services.member_anonymise``), blanks the free-text notes others wrote about them, removes their
calendar feed and personal access tokens, forgets their sign-in attempts, and keeps the invoices and payments,
under the pseudonym, for the legal retention period (``CLUB_BILLING_RETENTION_YEARS``).
"""

from __future__ import annotations

from decimal import Decimal

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django_otp import device_classes as devices_for_user_models

from billing.models import Invoice, Membership
from billing.selectors import invoices_with_totals
from clubsite.accounts.models import AccessToken, User
from clubsite.accounts.twofactor.models import CodeAttempts
from clubsite.calendars.models import CalendarFeed
from clubsite.core.clock import club_today
from clubsite.core.db import constraint_errors
from clubsite.core.money import money_text
from clubsite.frontdesk.models import StaffNote
from members.models import Member
from members.services import member_anonymise
from operations.models import Booking, ClassRegistration, PersonalTrainingSession
from operations.staff import is_manager

from .errors import PrivacyError
from .models import ErasureRequest

CONSTRAINTS = {
    "privacy_erasurerequest_one_pending": "erasure_already_requested",
    "privacy_erasurerequest_one_done": "member_erased",
}


def is_erased(member: Member) -> bool:
    """Whether the member has been erased (one indexed read)."""
    return ErasureRequest.objects.filter(member_id=member.pk, status=ErasureRequest.Status.DONE).exists()


def _lock_member(member: Member) -> Member:
    locked = Member.objects.select_for_update(of=("self",)).select_related("user").filter(pk=member.pk).first()
    if locked is None:
        raise PrivacyError("erasure_not_found")
    return locked


def erasure_request(*, member: Member) -> ErasureRequest:
    """The member asks to be erased; staff are shown it (the admin's list, the manager's dashboard)."""
    with transaction.atomic():
        locked = _lock_member(member)
        if is_erased(locked):
            raise PrivacyError("member_erased")
        if ErasureRequest.objects.filter(member=locked, status=ErasureRequest.Status.PENDING).exists():
            raise PrivacyError("erasure_already_requested")
        with constraint_errors(CONSTRAINTS, PrivacyError):
            return ErasureRequest.objects.create(member=locked)


def erasure_cancel(*, member: Member) -> ErasureRequest:
    """The member calls off their pending request."""
    with transaction.atomic():
        locked = _lock_member(member)
        request = (
            ErasureRequest.objects.select_for_update()
            .filter(member=locked, status=ErasureRequest.Status.PENDING)
            .first()
        )
        if request is None:
            raise PrivacyError("erasure_not_pending")
        request.status, request.cancelled_at = ErasureRequest.Status.CANCELLED, timezone.now()
        request.save(update_fields=["status", "cancelled_at"])
        return request


def erasure_blockers(*, member: Member) -> list[PrivacyError]:
    """What must be settled before the member can be erased (none: approval may go ahead); three queries."""
    today, now = club_today(), timezone.now()
    problems: list[PrivacyError] = []
    if Membership.objects.filter(member=member).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today)).exists():
        problems.append(PrivacyError("erasure_membership_live"))
    owed = invoices_with_totals(
        Invoice.objects.filter(member=member, status__in=(Invoice.Status.ISSUED, Invoice.Status.DRAFT))
    ).aggregate(owed=Sum("balance_amount"))["owed"] or Decimal("0")
    if owed > 0:
        problems.append(PrivacyError("erasure_balance_unpaid", amount=money_text(owed)))
    ahead = (
        ClassRegistration.objects.filter(
            member=member,
            status__in=ClassRegistration.LIVE,
            group_class__booking__start_time__gt=now,
        ).count()
        + PersonalTrainingSession.objects.filter(
            member=member, booking__start_time__gt=now, booking__status=Booking.Status.SCHEDULED
        ).count()
    )
    if ahead:
        problems.append(PrivacyError("erasure_bookings_ahead", count=ahead))
    return problems


def erasure_approve(*, request: ErasureRequest, by: User) -> ErasureRequest:
    """Erase the member of a pending request, all or nothing; the mail saying so goes to their old address."""
    from .tasks import send_erasure_done

    if not is_manager(by):
        raise PrivacyError("erasure_forbidden")
    member_id = ErasureRequest.objects.filter(pk=request.pk).values_list("member_id", flat=True).first()
    if member_id is None:
        raise PrivacyError("erasure_not_found")
    with transaction.atomic():
        # The member row first (the project's lock order): a booking, a payment or a second approval waits.
        member = _lock_member(Member(pk=member_id))
        locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != ErasureRequest.Status.PENDING:
            raise PrivacyError("erasure_not_pending")
        blockers = erasure_blockers(member=member)
        if blockers:
            raise blockers[0]
        old_email, user_id = member.user.email, member.user_id
        member_anonymise(member=member)
        # Free text others wrote about the person: the trainer's and the member's session notes, the desk's notes.
        PersonalTrainingSession.objects.filter(member=member).update(notes="", trainer_notes="")
        StaffNote.objects.filter(member=member).update(text="")
        CalendarFeed.objects.filter(user_id=user_id).delete()
        AccessToken.objects.filter(user_id=user_id).delete()
        # The second factor: the authenticator's key, the recovery codes and the wrong-code count.
        for device_model in devices_for_user_models():
            device_model.objects.filter(user_id=user_id).delete()
        CodeAttempts.objects.filter(user_id=user_id).delete()
        # The admin's history names the objects it was about: the member and the account, under their old name.
        pseudonym = str(User.objects.get(pk=user_id))
        for model, pk in ((Member, member.pk), (User, user_id)):
            LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(pk)).update(
                object_repr=pseudonym
            )
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__in={old_email, old_email.lower()}).delete()
        locked.status, locked.completed_at = ErasureRequest.Status.DONE, timezone.now()
        locked.approved_by, locked.notify_to = by, old_email
        with constraint_errors(CONSTRAINTS, PrivacyError):
            locked.save(update_fields=["status", "completed_at", "approved_by", "notify_to"])
        send_erasure_done.defer(request_id=locked.pk)
        return locked
