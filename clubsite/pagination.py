"""Paging for searches that can match most of a large table."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts matches only up to ``cap`` + 1.

    Counting every member whose name contains "a" reads most of the table at every page view; past
    a thousand matches the exact number helps nobody, and the page says to type more instead.
    """

    def __init__(self, object_list, per_page, *, cap: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap
