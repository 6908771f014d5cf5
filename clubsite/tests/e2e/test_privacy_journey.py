"""A member downloads their data and asks to be erased; a manager approves in the admin; the member is gone."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from clubsite.accounts.models import User
from clubsite.privacy.models import ErasureRequest
from clubsite.testing.roles import staff_user
from members.tests.factories import HealthMetricFactory, MemberFactory

from .journeys import expect_message, sign_in, sign_in_to_the_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_exports_asks_to_be_erased_and_a_manager_approves(open_page):
    member = MemberFactory(user__first_name="Erin", user__last_name="Exit", user__email="erin@example.test")
    HealthMetricFactory(member=member)
    manager = staff_user("manager", email="manager@example.test")

    page = open_page()
    sign_in(page, "erin@example.test")
    page.goto("/member/profile/")
    page.get_by_role("link", name="Privacy and erasure").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (.zip)").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    document = json.loads(archive.read("data.json"))
    assert document["tables"]["account"]["rows"][0]["email"] == "erin@example.test"
    assert "health_metrics.csv" in archive.namelist()

    page.get_by_role("link", name="Ask to be erased").click()
    page.get_by_role("button", name="Ask to be erased").click()
    expect_message(page, "Your request to be erased is recorded.")
    expect(page.locator("#erasure-pending")).to_be_visible()

    admin = open_page()
    sign_in_to_the_admin(admin, manager.email)
    admin.goto("/admin/privacy/erasurerequest/")
    admin.locator("input[name=_selected_action]").first.check()
    admin.locator("select[name=action]").select_option("approve")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 member(s) erased")

    assert ErasureRequest.objects.get(member=member).status == ErasureRequest.Status.DONE
    user = User.objects.get(pk=member.user_id)
    assert user.email == f"erased-{member.pk}@erased.invalid" and not user.is_active
    # Her browser's session is over: the portal sends her to sign in.
    page.goto("/member/")
    expect(page).to_have_url(re.compile(r".*/accounts/login/.*"))
