"""Paging a list whose rows go out as schemas: ninja's paginator counts and slices, only the page is converted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet

OutT = TypeVar("OutT")


class Converted(Generic[OutT]):
    """A queryset for ninja's paginator whose page comes back as schemas: the paginator counts the queryset
    and slices it, and only the rows of the page are read and converted. Every door's
    list endpoints use it."""

    def __init__(self, queryset: QuerySet[Any], convert: Callable[[Any], OutT]) -> None:
        self.queryset = queryset
        self.convert = convert

    def all(self) -> QuerySet[Any]:
        return self.queryset.all()

    def __getitem__(self, window: slice) -> list[OutT]:
        return [self.convert(row) for row in self.queryset[window]]
