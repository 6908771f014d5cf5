"""The coded errors every app raises: one table per app, codes that programs read, fields that forms read."""

from __future__ import annotations

import string

import pytest

from billing.errors import BillingError
from clubsite.accounts.errors import AccountError
from clubsite.core.errors import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND, ClubError, Message
from members.errors import MemberError
from operations.errors import SchedulingError
from trainers.errors import TrainerError

APP_ERRORS = [AccountError, MemberError, TrainerError, SchedulingError, BillingError]


class ShopError(ClubError):
    messages = {
        "sold_out": Message("{item} is sold out.", field="item", kind=CONFLICT),
        "too_many": Message("At most {limit} a person."),
    }


def test_an_error_reads_its_message_field_and_kind_from_its_table():
    error = ShopError("sold_out", item="Towel")

    assert (error.code, error.field, error.kind) == ("sold_out", "item", CONFLICT)
    assert str(error) == error.message == "Towel is sold out."
    assert error.params == {"item": "Towel"}
    assert error.as_dict() == {
        "code": "sold_out",
        "field": "item",
        "message": "Towel is sold out.",
        "params": {"item": "Towel"},
    }


def test_a_raise_may_name_another_field():
    assert ShopError("too_many", field="quantity", limit=2).field == "quantity"
    assert ShopError("too_many", limit=2).field is None


def test_every_app_error_knows_conflict_and_an_unknown_code_is_a_programming_error():
    assert ShopError("conflict").kind == CONFLICT
    with pytest.raises(LookupError):
        ShopError("no_such_code")


@pytest.mark.parametrize("error_class", APP_ERRORS, ids=lambda cls: cls.__name__)
def test_each_app_table_is_well_formed(error_class):
    for code, message in error_class.messages.items():
        assert code == code.lower() and " " not in code, code
        assert message.kind in (INVALID, CONFLICT, NOT_FOUND, FORBIDDEN), code
        assert message.text.strip(), code
        # The placeholders are parameters a raise passes by name; a positional one could not be filled.
        placeholders = [name for _, name, _, _ in string.Formatter().parse(message.text) if name is not None]
        assert all(name.isidentifier() for name in placeholders), code
