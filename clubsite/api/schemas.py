"""Schemas every router shares: the problem document, and money and times as the API writes them."""

from __future__ import annotations

from ninja import Schema


class ProblemEntry(Schema):
    field: str | None
    code: str
    message: str | None


class Problem(Schema):
    """RFC 9457 problem document: ``code`` is stable (programs read it), ``detail`` is for a person."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    field: str | None = None
    errors: list[ProblemEntry] = []
    params: dict[str, str | int | float | bool | None] | None = None


#: Declared on every endpoint, so the schema tells clients what a refusal looks like.
PROBLEMS = {frozenset({400, 401, 403, 404, 409, 413, 422, 429}): Problem}
