"""The members list's filter "inactive for N years" (members.admin uses it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin

from .selectors import inactive_members

INACTIVE = "inactive"


class InactiveAccountsFilter(admin.SimpleListFilter):
    title = "activity"
    parameter_name = "activity"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        years = settings.CLUB_INACTIVE_ACCOUNT_YEARS
        return [(INACTIVE, f"Inactive for {years} years (no sign-in, no visit)")]

    def queryset(self, request: Any, queryset: Any) -> Any:
        if self.value() == INACTIVE:
            return inactive_members(within=queryset)
        return queryset
