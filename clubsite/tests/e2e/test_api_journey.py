"""The API in a real browser: a signed-in member opens /docs, registers for a class with Swagger UI's "Try it
out", and finds the class on their dashboard. Swagger UI comes from the installed package: nothing is fetched
from outside the live server, and the Content-Security-Policy lets it run without a console error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from members.tests.factories import MemberFactory
from operations.models import ClassRegistration
from operations.tests.factories import GroupClassFactory, RoomFactory, local_time

from .journeys import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_registers_for_a_class_with_swagger_ui_and_sees_it_on_the_dashboard(page, console, live_server):
    member = MemberFactory(user__first_name="Nora", user__last_name="Quist", user__email="nora@clubsite.test")
    group_class = GroupClassFactory(
        name="Swagger Spin",
        booking__room=RoomFactory(name="Spin Room"),
        booking__start_time=local_time(days=1, hour=18),
        booking__end_time=local_time(days=1, hour=19),
    )
    # Anything the page asks of another host is refused, and remembered: the docs must work offline.
    outside: list[str] = []

    def only_the_live_server(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_live_server)

    sign_in(page, member.user.email)
    page.goto("/docs")

    # /docs sends the person on to Swagger UI, which draws the live schema.
    expect(page).to_have_url(re.compile(r"/api/docs$"))
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API")
    operation = page.locator("#operations-member-member_class_register")
    expect(operation).to_be_visible()

    # The person is signed in on the site: their session (and its CSRF token) goes with the call, no token needed.
    operation.locator(".opblock-summary").click()
    try_it_out = operation.get_by_role("button", name="Try it out")
    if try_it_out.is_visible():
        try_it_out.click()
    operation.locator('input[placeholder="class_id"]').fill(str(group_class.pk))
    operation.get_by_role("button", name="Execute").click()

    live = operation.locator(".live-responses-table")
    expect(live.locator("tr.response td.response-col_status")).to_have_text(re.compile(r"^\s*201"))
    expect(live.locator("tr.response td.response-col_description")).to_contain_text('"status": "registered"')
    registration = ClassRegistration.objects.get(member=member, group_class=group_class)
    assert registration.status == ClassRegistration.Status.REGISTERED

    # The same registration the portal shows: the dashboard lists the class.
    page.goto("/member/")
    expect(page.get_by_text("Swagger Spin").first).to_be_visible()
    assert outside == [], f"the page fetched from outside the live server: {outside}"
    console.assert_clean()
