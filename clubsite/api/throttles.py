"""How fast one person (or, signed out, one address) may call the API; over it: 429 with Retry-After."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle, BaseThrottle, UserRateThrottle


class PersonRate(UserRateThrottle):
    """Per signed-in person, whether they came with the session or a token (settings.CLUB_API_RATE)."""

    def __init__(self) -> None:
        super().__init__(settings.CLUB_API_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        # Read per request: a deployment (or a test) may change the setting without a restart of the API.
        self.rate = settings.CLUB_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class AddressRate(AnonRateThrottle):
    """Per address for calls without credentials, such as sign-up (settings.CLUB_API_ANON_RATE)."""

    def __init__(self) -> None:
        super().__init__(settings.CLUB_API_ANON_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.CLUB_API_ANON_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


THROTTLES: list[BaseThrottle] = [PersonRate(), AddressRate()]
