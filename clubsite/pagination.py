"""Paging for the portals: one helper, one template (templates/partials/pagination.html)."""

from __future__ import annotations

from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

PAGE_SIZE = 20


class LinkedPaginator(Paginator):
    """A paginator that remembers the page's other query parameters (filters, a search term) for its links."""

    query: str = ""


class CappedCountPaginator(LinkedPaginator):
    """Counts matches only up to ``cap`` + 1.

    Counting every member whose name contains "a" reads most of the table at every page view; past
    a thousand matches the exact number helps nobody, and the page says to type more instead.
    """

    def __init__(self, object_list: Any, per_page: int, *, cap: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        matches = cast(QuerySet[Any], self.object_list)
        return matches[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def paginate(request: HttpRequest, items: Any, *, per_page: int = PAGE_SIZE, count_cap: int | None = None) -> Page:
    """The page asked for in ?page=; a missing, unreadable or too-large number gives the first or last page.

    With ``count_cap`` the matches are counted only up to it (``page.paginator.capped`` says so). The
    page's links keep the request's other query parameters (``page.paginator.query``).
    """
    paginator = (
        LinkedPaginator(items, per_page) if count_cap is None else CappedCountPaginator(items, per_page, cap=count_cap)
    )
    query = request.GET.copy()
    query.pop("page", None)
    paginator.query = query.urlencode()
    return paginator.get_page(request.GET.get("page"))
