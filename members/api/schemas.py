"""What the member endpoints take and give back."""

from __future__ import annotations

import datetime

from ninja import Schema


class ProfileOut(Schema):
    email: str
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    gender: str
    phone: str


class ProfileIn(Schema):
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    gender: str
    phone: str = ""
