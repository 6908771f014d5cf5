"""What the account layer announces to the layers above it (the mail), inside the transaction that caused it.

Not a club event (``clubsite.core.events.EVENTS``): no webhook may hear that someone tried an address.
"""

from django.dispatch import Signal

#: Sent with ``user_id`` and ``existing``: a sign-up made a new account that waits for its link (``False``),
#: or named an address that already has an account (``True``), whose owner is told instead.
sign_up_requested = Signal()
