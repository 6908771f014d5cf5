"""Writes on calendar feeds: a person's feed address, made on first use, and its rotation."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from clubsite.accounts.models import User

from .models import CalendarFeed

#: 32 random bytes, 43 URL-safe characters: as hard to guess as any secret the site holds.
TOKEN_BYTES = 32

# One statement that makes the feed unless the person has one, and returns whichever row is theirs. The
# unique user_id decides between two first requests at once (ON CONFLICT waits for the other to commit);
# one round trip whether or not the feed existed, so a page that shows the address costs one fixed query
# (Django's get_or_create costs four on a first visit: select, savepoint, insert, release).
_FEED_FOR_USER = """
WITH made AS (
    INSERT INTO {table} (user_id, token, created_at, rotated_at)
    VALUES (%s, %s, %s, %s)
    ON CONFLICT (user_id) DO NOTHING
    RETURNING *
)
SELECT * FROM made
UNION ALL
SELECT * FROM {table} WHERE user_id = %s
"""


def new_token() -> str:
    """A fresh secret for a feed address."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def calendar_feed_for(*, user: User) -> CalendarFeed:
    """The person's calendar feed, made now if they have none; one query, and one feed even when two first
    requests race."""
    now = timezone.now()
    sql = _FEED_FOR_USER.format(table=CalendarFeed._meta.db_table)
    for feed in CalendarFeed.objects.raw(sql, [user.pk, new_token(), now, now, user.pk]):
        return feed
    # The other first request inserted it after this statement's snapshot was taken: the statement saw
    # neither its own insert (there was a conflict) nor the winner's row. A new statement sees the winner.
    return CalendarFeed.objects.get(user=user)


def calendar_feed_rotate(*, user: User) -> CalendarFeed:
    """Give the person a new feed address; the old one stops working at once (its token is gone)."""
    with transaction.atomic():
        feed = calendar_feed_for(user=user)
        # A token clash would need two equal 256-bit draws; the unique index would still refuse it.
        feed.token = new_token()
        feed.rotated_at = timezone.now()
        feed.save(update_fields=["token", "rotated_at"])
    return feed
