"""Races over real HTTP: fifty signed-in members click at the same moment, against the live server.

pytest-django's live server is a threaded WSGI server in this process: every request gets its own
thread and its own database connection, so the requests really overlap inside PostgreSQL. Each
member has their own session and CSRF token, taken from the page as a browser would; the POSTs are
released together by a barrier. Exactly one wins; the others are told clearly; nobody sees a 500.
"""

from __future__ import annotations

import datetime
import html
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import pytest
import requests

from clubsite.accounts.tests.factories import DEMO_PASSWORD
from members.tests.factories import MemberFactory
from operations import services
from operations.models import ClassRegistration, PersonalTrainingSession
from operations.tests.factories import ClassRegistrationFactory, GroupClassFactory, local_time
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

CLICKERS = 50
TIMEOUT = 60  # seconds; a request queued behind the others on a busy 2-core machine still answers well within it

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ALERT = re.compile(r'<div class="alert [^"]*" role="alert">\s*(.*?)\s*(?:<button|</div>)', re.S)

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Click:
    status: int
    location: str
    messages: list[str]


class Browser:
    """One member's own session: cookies (session and CSRF) and the token of the page last read."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.token = ""

    def read(self, path: str) -> str:
        response = self.session.get(self.base_url + path, timeout=TIMEOUT)
        assert response.status_code == 200, (path, response.status_code)
        self.token = CSRF_INPUT.search(response.text).group(1)
        return response.text

    def sign_in(self, email: str) -> None:
        self.read("/accounts/login/")
        response = self.session.post(
            self.base_url + "/accounts/login/",
            data={"csrfmiddlewaretoken": self.token, "username": email, "password": DEMO_PASSWORD},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert response.status_code == 302, f"{email} could not sign in"

    def submit(self, path: str, data: dict) -> Click:
        response = self.session.post(
            self.base_url + path,
            data={"csrfmiddlewaretoken": self.token, **data},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        if response.status_code == 302:
            location = response.headers["Location"]
            page = self.session.get(self.base_url + location, timeout=TIMEOUT).text
            return Click(302, location, alerts(page))
        return Click(response.status_code, "", alerts(response.text))


def alerts(page: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", " ", text)).split("  ")[0].strip() for text in ALERT.findall(page)]


def signed_in_members(live_server, count: int) -> tuple[list, list[Browser]]:
    members = [MemberFactory(user__email=f"racer{number:02d}@clubsite.test") for number in range(count)]
    browsers = [Browser(live_server.url) for _ in members]
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda pair: pair[1].sign_in(pair[0].user.email), zip(members, browsers, strict=True)))
    return members, browsers


def click_together(browsers: list[Browser], path: str, data: dict) -> list[Click]:
    """Every browser submits ``data`` to ``path`` at once (each read the form, for its token, just before)."""
    barrier = threading.Barrier(len(browsers))

    def click(browser: Browser) -> Click:
        barrier.wait(timeout=TIMEOUT)
        return browser.submit(path, data)

    with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
        return list(pool.map(click, browsers))


def test_fifty_members_click_for_the_last_seat_of_a_class_and_exactly_one_gets_it(live_server):
    group_class = GroupClassFactory(name="Last Seat Spin", capacity=2, booking__start_time=local_time(days=2, hour=18))
    ClassRegistrationFactory(group_class=group_class)  # one seat left
    members, browsers = signed_in_members(live_server, CLICKERS)
    path = f"/member/classes/{group_class.pk}/register/"
    for browser in browsers:
        browser.read(path)

    clicks = click_together(browsers, path, {"next": "/member/classes/"})

    assert [click.status for click in clicks if click.status >= 500] == []
    assert all(click.status == 302 and click.location == "/member/classes/" for click in clicks)
    seated = ClassRegistration.objects.filter(group_class=group_class, status=ClassRegistration.Status.REGISTERED)
    waitlisted = ClassRegistration.objects.filter(group_class=group_class, status=ClassRegistration.Status.WAITLISTED)
    assert seated.count() == 2
    assert waitlisted.count() == CLICKERS - 1
    # The winner is told they have the seat; each of the others which place in the queue they hold.
    seated_message = "You have a place in Last Seat Spin"
    winners = [click for click in clicks if any(message.startswith(seated_message) for message in click.messages)]
    assert len(winners) == 1, [click.messages for click in clicks]
    positions = sorted(
        int(match.group(1))
        for click in clicks
        for message in click.messages
        if (match := re.search(r"Last Seat Spin .* is full: you are number (\d+) on the waitlist", message))
    )
    assert positions == list(range(1, CLICKERS))


def test_fifty_members_click_for_one_personal_training_slot_and_exactly_one_books_it(live_server):
    trainer = TrainerFactory(user__first_name="Tara", user__last_name="Mendes", hourly_rate=Decimal("40.00"))
    start = local_time(days=2, hour=9)
    TrainerAvailabilityFactory(trainer=trainer, start_time=start, end_time=start + datetime.timedelta(hours=4))
    members, browsers = signed_in_members(live_server, CLICKERS)
    path = f"/member/training/trainers/{trainer.pk}/"
    slot = {"start_time": start.isoformat(), "duration": "60", "room": "", "notes": ""}
    for browser in browsers:
        page = browser.read(f"{path}?start_time={start.isoformat().replace('+', '%2B')}&duration=60")
        assert "Book for £40.00" in page

    clicks = click_together(browsers, path, slot)

    assert [click.status for click in clicks if click.status >= 500] == []
    booked = [click for click in clicks if click.status == 302]
    refused = [click for click in clicks if click.status == 200]
    assert len(booked) == 1 and len(refused) == CLICKERS - 1, sorted(click.status for click in clicks)
    assert booked[0].location == "/member/training/"
    assert any(message.startswith("Booked: Personal training") for message in booked[0].messages), booked[0].messages
    session = PersonalTrainingSession.objects.select_related("booking").get()
    assert (session.booking.trainer_id, session.booking.start_time) == (trainer.pk, start)
    assert session.member_id in [member.pk for member in members]
    # Each of the others is told the time was just taken, naming what took it.
    taken = services.SchedulingError("trainer_booked_by", booking=services.describe_booking(session.booking)).message
    assert [click.messages for click in refused] == [[taken]] * (CLICKERS - 1)
