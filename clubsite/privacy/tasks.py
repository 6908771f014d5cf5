"""The mail telling an erased person it is done: sent once to the address they had, which is then forgotten."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import get_connection

from clubsite.jobs.queue import club_task, once
from clubsite.notifications.mail import Mail, render

from .models import ErasureRequest

ERASURE_DONE = "erasure_done"


def erasure_done_mail(request: ErasureRequest) -> Mail | None:
    """What the mail says; None once the address is gone (sent already) or the request is not done."""
    if request.status != ErasureRequest.Status.DONE or not request.notify_to:
        return None
    years = settings.CLUB_BILLING_RETENTION_YEARS
    return Mail(
        to=request.notify_to,
        name="there",
        subject=f"Your {settings.CLUB_NAME} account has been erased",
        lead=f"As you asked, we have erased your personal data from {settings.CLUB_NAME}.",
        paragraphs=[
            "Your name, email address, phone number, date of birth, health metrics, goals and the notes about you "
            "are gone, and the account can no longer be signed in to.",
            f"Your invoices and payments are kept under a pseudonym for {years} years, as the law requires of "
            "the club's accounts; then they are deleted too.",
            "This is the last mail we send to this address: we forget it once this mail is sent.",
        ],
    )


@club_task(name="privacy.send_erasure_done", queue="mail")
def send_erasure_done(request_id: int) -> bool:
    """Send the notice once (a receipt), then blank the address in the same transaction; True when sent now."""
    with once(f"mail.{ERASURE_DONE}", request_id) as first:
        request = ErasureRequest.objects.select_for_update().filter(pk=request_id).first()
        if not first or request is None:
            return False
        mail = erasure_done_mail(request)
        if mail is None:
            return False
        request.notify_to = ""
        request.save(update_fields=["notify_to"])
        get_connection().send_messages([render(mail)])
        return True
