"""Errors with a stable code: the one shape in which every club rule says no, whichever door asked.

Each app subclasses ``ClubError`` once and gives it a message table keyed by code. The code is what
programs (forms, the admin, the API, tests) look at; the field says where a person should read the
message; the parameters fill the message and travel with it (an API client may want them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

#: What kind of refusal a code is, for a door that must say so in its own terms (the API's HTTP status):
#: a value that is not acceptable, a request that clashes with how things stand now, a thing that is gone,
#: or a change the person's role may not make.
INVALID, CONFLICT, NOT_FOUND, FORBIDDEN = "invalid", "conflict", "not_found", "forbidden"


@dataclass(frozen=True)
class Message:
    """What a person reads for one code, the field of the request it is about (None: the request as a whole),
    and what kind of refusal it is (INVALID, CONFLICT or NOT_FOUND)."""

    text: str
    field: str | None = None
    kind: str = INVALID


class ClubError(Exception):
    """A club rule refused a request.

    ``raise SchedulingError("room_booked_by", booking="Spin Tue 24 Nov 10:00–11:00")`` looks the code up in
    the class's ``messages`` (its own table, then its bases'), fills the text with the parameters and takes
    the table's field unless ``field=`` says otherwise (a form that asks for the same thing under another
    name, or a problem found in one of several inputs).
    """

    messages: ClassVar[Mapping[str, Message]] = {
        "conflict": Message("The change conflicts with existing data; nothing was saved.", kind=CONFLICT),
        # Every app's: a text over its column's limit (clubsite.core.db.text_limit), under the column's field.
        "text_too_long": Message("Write at most {limit} characters."),
    }

    code: str
    field: str | None
    kind: str
    params: dict[str, Any]
    message: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A subclass's table extends its bases' (so every app knows "conflict"), without copying it by hand.
        merged: dict[str, Message] = {}
        for base in reversed(cls.__mro__[1:]):
            merged.update(getattr(base, "messages", {}))
        merged.update(cls.__dict__.get("messages", {}))
        cls.messages = merged

    def __init__(self, code: str, *, field: str | None = None, **params: Any) -> None:
        try:
            entry = self.messages[code]
        except KeyError:
            raise LookupError(f"{type(self).__name__} has no message for the code {code!r}") from None
        self.code = code
        self.field = field if field is not None else entry.field
        self.kind = entry.kind
        self.params = params
        self.message = entry.text.format(**params) if params else entry.text
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        """What an API's problem document carries."""
        return {"code": self.code, "field": self.field, "message": self.message, "params": _plain(self.params)}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, field={self.field!r})"


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    simple = str | int | float | bool | None
    return {key: value if isinstance(value, simple) else str(value) for key, value in params.items()}
