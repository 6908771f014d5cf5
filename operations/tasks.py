"""Operations' jobs: passing offered seats that were not accepted in time to the next on the waitlist.

The offer's deadline is checked again by ``class_offer_accept``, so a late tick never lets a member take a seat
after their time ran out; the job only makes the seat move on without anyone having to ask.
"""

from __future__ import annotations

from procrastinate.contrib.django import app

from clubsite.jobs.queue import club_task

from .services import class_offers_expire


@app.periodic(cron="* * * * *", periodic_id="operations-expire-offers")
@club_task(name="operations.expire_offers", queue="operations", retry=False)
def expire_offers(timestamp: int) -> int:
    """Every minute: each offer past its deadline is cancelled and the seat goes to the next on the waitlist."""
    return len(class_offers_expire())
