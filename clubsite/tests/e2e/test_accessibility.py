"""Every page of every role, in a real browser at 1280 and 390 px: axe-core finds no serious or critical
violation, no page is wider than a phone, every page has its icon and a skip link to its main content.

One crawl per role (a visitor, a member, a trainer, each staff role and a superuser) starts from the role's home
page and follows the links a person can follow (same site, GET, no sign-out, no downloads, no API but its docs).
Each kind of page (its URL pattern) is opened once per audience: the admin's pages once for all staff (once
editable, once read-only where a role may only look), its front page once per role (each role's dashboard).
The crawl runs once for the module, over one seeded club; the tests read what it found.
``test_every_html_page_was_visited`` compares the visits with the access matrix's list of URL patterns, so a new
page that no link reaches fails here until a link (or a start URL below) leads to it.
"""

from __future__ import annotations

import datetime
import os
import re
import time
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from billing.models import Payment
from billing.services import invoice_issue, invoice_void, payment_record
from billing.tests.factories import (
    BillingRunFactory,
    ClassPackFactory,
    CreditPackFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    MembershipFreezeFactory,
    MembershipPlanFactory,
)
from clubsite.accounts.services import token_create
from clubsite.accounts.tests.factories import UserFactory
from clubsite.core.events import muted
from clubsite.frontdesk.models import Visit
from clubsite.frontdesk.tests.factories import StaffNoteFactory, VisitFactory
from clubsite.privacy.tests.factories import ErasureRequestFactory
from clubsite.testing.jobs import failed_job
from clubsite.testing.roles import staff_user
from clubsite.testing.twofactor import sign_in
from clubsite.tests.test_access_matrix import ACCESS, MEMBERS, OK, STAFF, TRAINERS
from clubsite.webhooks.tests.factories import WebhookDeliveryFactory
from members.models import FitnessGoal
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory
from operations.models import Booking, ClassRegistration, MaintenanceRecord
from operations.tests.factories import (
    BookingFactory,
    ClassRegistrationFactory,
    EquipmentFactory,
    GroupClassFactory,
    MaintenanceRecordFactory,
    PersonalTrainingSessionFactory,
    RoomFactory,
    local_time,
)
from trainers.models import TimeOff, WeeklySlot
from trainers.tests.factories import TrainerAvailabilityFactory, TrainerFactory

from .conftest import DESKTOP, PHONE, TIMEOUT_MS, Console

# One worker runs the whole module (make test passes --dist loadgroup): the crawl is a module fixture, and split
# over two workers each would crawl every page again.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("accessibility")]

WIDTHS = {"1280": DESKTOP, "390": PHONE}
BLOCKING = ("serious", "critical")
# Enough for every kind of page of the biggest role (the superuser's share of the admin) with room to grow; a
# crawl that reaches it is following links it should not (a calendar's "next week" forever, say).
MAX_PAGES_PER_ROLE = 150

# The order matters only for the admin's pages, each opened once: the manager (who may change everything of the
# club's) first, then the roles that may only look at some of it, then the superuser (Django's own tables).
ROLES = ("anonymous", "member", "trainer", "manager", "front_desk", "maintenance", "billing", "superuser")
# CLUBSITE_A11Y_ROLES=member,trainer crawls only those (a quicker look while fixing one portal).
CRAWLED = tuple(role for role in os.environ.get("CLUBSITE_A11Y_ROLES", ",".join(ROLES)).split(",") if role in ROLES)
STAFF_ROLES = {"manager", "front_desk", "maintenance", "billing", "superuser"}

# Links the crawl does not follow: they sign out, download a file, or are the API (its docs page excepted).
NOT_A_PAGE = re.compile(r"(\.(pdf|ics|json|js|csv|txt|xml|png|svg|zip)$)|(/pdf/?$)|(/privacy/export/?$)")
# URL names of downloads (an invoice as PDF): not pages either.
DOWNLOAD_NAME = re.compile(r"(^|[-_:])(pdf|ics|csv)$")
SKIPPED_PREFIXES = ("/static/", "/media/", "/calendar/feed", "/admin/r/", "/admin/jsi18n/", "/admin/autocomplete/")
SKIPPED_NAMES = {"accounts:logout", "admin:logout", "admin:view_on_site", "admin:jsi18n", "admin:autocomplete"}

# Patterns of the access matrix that answer 200 to someone but are not HTML pages (or are covered another way).
NOT_HTML = {
    "api:openapi-json": "the API's schema (JSON)",
    "admin:jsi18n": "the admin's JavaScript catalogue",
    "members:card-worker": "the member card's service worker (JavaScript)",
    "calendars:member-registration": "an .ics file",
    "calendars:member-session": "an .ics file",
    "calendars:trainer-class": "an .ics file",
    "calendars:trainer-session": "an .ics file",
    "privacy:export": "the member's data, a zip download",
    "health": "the load balancers' health check (JSON)",
}
# The admin's history and delete pages are Django's one template for every model: one of each is opened.
ONE_OF_A_KIND = re.compile(r"^admin:\w+_(history|delete)$")

# Audience of each persona of the access matrix.
AUDIENCE_OF_PERSONA = {
    "anonymous": "anonymous",
    **dict.fromkeys(MEMBERS, "member"),
    **dict.fromkeys(TRAINERS, "trainer"),
    **dict.fromkeys(STAFF, "staff"),
}
AUDIENCE_OF_ROLE = {
    "anonymous": "anonymous",
    "member": "member",
    "trainer": "trainer",
    **dict.fromkeys(STAFF_ROLES, "staff"),
}
ADMIN_MODEL_ROUTE = re.compile(r"^admin/(\w+)/(\w+)/")
ADMIN_MODEL_NAME = re.compile(r"^admin:\w+_(changelist|add|change|history|delete)$")

# What waits for a page's own script before the page is looked at (Swagger UI draws the API's docs).
READY = {"api-docs": "#swagger-ui .information-container, #swagger-ui .info"}


# ---------------------------------------------------------------------------------------------
# The club the crawl walks through
# ---------------------------------------------------------------------------------------------


def _scene() -> dict:
    """A club with something on every page: a member's week, a trainer's classes and clients, bills of every
    status, rooms with broken equipment, the desk's visits, the back office's runs, jobs and webhooks."""
    today = timezone.localdate()
    gold = MembershipPlanFactory(name="Gold", monthly_fee=Decimal("49.00"))
    MembershipPlanFactory(name="Silver", monthly_fee=Decimal("29.00"))
    tara = TrainerFactory(user__first_name="Tara", user__last_name="Mendes", user__email="tara@clubsite.test")
    sam = TrainerFactory(user__first_name="Sam", user__last_name="Okafor")
    ann = MemberFactory(
        user__first_name="Ann",
        user__last_name="Archer",
        user__email="ann@clubsite.test",
        date_of_birth=datetime.date(1990, 5, 1),
    )
    bob = MemberFactory(user__first_name="Bob", user__last_name="Baker")
    cara = MemberFactory(user__first_name="Cara", user__last_name="Cole")
    studio_a = RoomFactory(name="Studio A")
    studio_b = RoomFactory(name="Studio B")
    gym = RoomFactory(name="Gym floor")

    membership = MembershipFactory(member=ann, plan=gold, started_on=today.replace(day=1) - datetime.timedelta(days=60))
    MembershipFactory(member=bob, plan=gold)
    MembershipFreezeFactory(membership=membership)
    CreditPackFactory(member=ann, pack=ClassPackFactory(name="5-class pack"))
    for week in range(6):
        HealthMetricFactory(
            member=ann,
            weight=Decimal("80.0") - week,
            heart_rate=64 - week,
            body_fat=Decimal("24.0") - Decimal("0.5") * week,
            recorded_at=timezone.now() - datetime.timedelta(weeks=6 - week),
        )
    FitnessGoalFactory(member=ann)
    FitnessGoalFactory(
        member=ann, goal_type=FitnessGoal.GoalType.IMPROVE_ENDURANCE, target_value=Decimal("10.0"), unit="km"
    )
    token_create(user=ann.user, name="Ann's phone")

    def group_class(name, trainer, room, days, hour, **fields):
        return GroupClassFactory(
            name=name,
            booking__trainer=trainer,
            booking__room=room,
            booking__start_time=local_time(days=days, hour=hour),
            booking__end_time=local_time(days=days, hour=hour) + datetime.timedelta(hours=1),
            **fields,
        )

    tonight = group_class("Spin", tara, studio_a, 0, 19, capacity=2)
    ClassRegistrationFactory(member=ann, group_class=tonight)
    ClassRegistrationFactory(member=bob, group_class=tonight)
    ClassRegistrationFactory(member=cara, group_class=tonight, status=ClassRegistration.Status.WAITLISTED)
    yoga = group_class("Yoga Flow", tara, studio_b, 2, 10)
    open_class = group_class("Stretch", sam, studio_b, 3, 18)
    ClassRegistrationFactory(member=ann, group_class=yoga)
    group_class("HIIT", sam, studio_a, 1, 12)
    offered = group_class("Pilates", tara, studio_a, 3, 14)
    ClassRegistrationFactory(
        member=ann,
        group_class=offered,
        status=ClassRegistration.Status.OFFERED,
        offer_expires_at=local_time(days=3, hour=13),
    )
    past = group_class("Boxfit", tara, studio_a, -2, 9)
    ClassRegistrationFactory(member=ann, group_class=past, status=ClassRegistration.Status.ATTENDED)
    ClassRegistrationFactory(member=bob, group_class=past, status=ClassRegistration.Status.NO_SHOW)
    for days in range(4, 9):
        group_class("Spin", sam, gym, days, 7)

    for days in (4, 5, 6):
        TrainerAvailabilityFactory(
            trainer=tara, start_time=local_time(days=days, hour=8), end_time=local_time(days=days, hour=12)
        )
    PersonalTrainingSessionFactory(
        member=ann,
        booking__trainer=tara,
        booking__room=gym,
        booking__start_time=local_time(days=4, hour=9),
        booking__end_time=local_time(days=4, hour=10),
    )
    past_session = PersonalTrainingSessionFactory(
        member=ann,
        booking__trainer=tara,
        booking__room=gym,
        booking__start_time=local_time(days=-7, hour=9),
        booking__end_time=local_time(days=-7, hour=10),
        booking__status=Booking.Status.COMPLETED,
    )
    BookingFactory(room=studio_b, start_time=local_time(days=5, hour=15), title="Open day")
    weekly_slot = WeeklySlot.objects.create(
        trainer=tara, weekday=WeeklySlot.Weekday.MONDAY, start_time=datetime.time(8), end_time=datetime.time(12)
    )
    time_off = TimeOff.objects.create(
        trainer=tara, first_day=today + datetime.timedelta(days=20), last_day=today + datetime.timedelta(days=24)
    )

    def invoice(member, lines, *, months_ago=0, issue=True, pay=None):
        start = (today.replace(day=1) - datetime.timedelta(days=31 * months_ago)).replace(day=1)
        draft = InvoiceFactory(member=member, period_start=start)
        for description, price in lines:
            InvoiceLineFactory(invoice=draft, description=description, unit_price=Decimal(price))
        if issue:
            invoice_issue(invoice=draft)
        if pay:
            payment_record(invoice=draft, amount=Decimal(pay), method=Payment.Method.CARD, reference="POS 1234")
        return draft

    invoice(ann, [("Gold, last month", "49.00"), ("Personal training", "40.00")], months_ago=1, pay="89.00")
    invoice(ann, [("Gold", "49.00"), ("Drop-in class", "8.00")], pay="20.00")
    invoice_void(invoice=invoice(bob, [("Towel hire", "5.00")]))
    invoice(bob, [("Gold", "49.00")])
    invoice(cara, [("Gold", "49.00")], issue=False)

    for status, equipment in zip(
        MaintenanceRecord.Status.values, (EquipmentFactory(room=gym) for _ in range(3)), strict=True
    ):
        MaintenanceRecordFactory(
            equipment=equipment,
            status=status,
            reported_at=timezone.now() - datetime.timedelta(days=3),
            resolved_at=timezone.now() if status == MaintenanceRecord.Status.RESOLVED else None,
        )

    VisitFactory(member=ann)
    VisitFactory(member=bob, checked_in_at=timezone.now() - datetime.timedelta(days=1), method=Visit.Method.NUMBER)
    StaffNoteFactory(member=ann)
    BillingRunFactory()
    WebhookDeliveryFactory()
    failed_job("accessibility")
    # As django-axes writes them: a sign-in's address, browser and page.
    sign_in = {
        "username": "ann@clubsite.test",
        "ip_address": "127.0.0.1",
        "user_agent": "Mozilla/5.0",
        "path_info": "/accounts/login/",
        "attempt_time": timezone.now(),
    }
    AccessAttempt.objects.create(**sign_in, failures_since_start=1)
    AccessLog.objects.create(**sign_in)
    AccessFailureLog.objects.create(**sign_in)

    people = {
        "anonymous": None,
        "member": ann.user,
        "trainer": tara.user,
        **{
            role: staff_user(role, first_name="Staff", last_name=role.replace("_", " "))
            for role in STAFF_ROLES - {"superuser"}
        },
        "superuser": UserFactory(is_staff=True, is_superuser=True, first_name="Sue", last_name="Root"),
    }
    # Bob asked to be erased: the managers' list of requests has one to open.
    ErasureRequestFactory(member=bob)
    return {
        "people": people,
        "ann": ann,
        "plan": gold,
        "past_session": past_session,
        "open_class": open_class,
        "weekly_slot": weekly_slot,
        "time_off": time_off,
    }


def _start_urls(scene: dict) -> dict[str, list[str]]:
    """Where each role's crawl starts: its home, and the pages that only a form (not a link) leads to."""
    ann = scene["ann"]
    staff = ["/admin/", "/admin/password_change/done/", "/accounts/password/change/", "/accounts/two-factor/set-up/"]
    return {
        "anonymous": [
            "/",
            "/accounts/password/reset/",
            "/accounts/password/reset/sent/",
            "/accounts/password/reset/done/",
            "/accounts/password/reset/MQ/made-up-token/",
            "/api/docs",
            "/admin/login/",
            "/no-such-page/",
            "/accounts/signup/sent/",
        ],
        "member": [
            "/member/",
            f"/member/membership/join/{scene['plan'].pk}/",
            "/member/membership/cancel/withdraw/",
            f"/member/classes/{scene['open_class'].pk}/register/",
            # Reached from the buttons of the metrics and privacy pages.
            "/member/metrics/consent/",
            "/member/metrics/erase/",
            "/member/privacy/erasure/cancel/",
        ],
        "trainer": [
            "/trainer/",
            f"/trainer/members/?q={ann.user.last_name}",
            "/accounts/password/change/",
            "/trainer/availability/template/apply/",
            f"/trainer/availability/template/{scene['weekly_slot'].pk}/remove/",
            f"/trainer/time-off/{scene['time_off'].pk}/remove/",
            f"/trainer/sessions/{scene['past_session'].pk}/notes/",
        ],
        **{role: staff for role in STAFF_ROLES},
    }


# ---------------------------------------------------------------------------------------------
# The crawl
# ---------------------------------------------------------------------------------------------


@dataclass
class PageVisit:
    role: str
    url: str
    key: str  # the URL pattern's name (or route), as the access matrix names it
    status: int
    violations: dict[str, list[str]] = field(default_factory=dict)  # width -> "rule-id (impact): targets"
    overflow: str = ""  # how the page is wider than a phone, if it is
    icon: str = ""
    skip_link: str = ""  # what is wrong with the skip link, if anything
    came_from: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # where the time went: "load" and "axe" per width


@dataclass
class Crawl:
    visits: list[PageVisit] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def of(self, role: str) -> list[PageVisit]:
        return [visit for visit in self.visits if visit.role == role]


def _pattern_key(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name if match.url_name else match.route.replace("^", "")


def _kind(role: str, key: str | None, path: str, user) -> tuple:
    """What makes two URLs the same kind of page for the crawl; each kind is opened once."""
    if key is None:
        return (AUDIENCE_OF_ROLE[role], "unresolved", path)
    if key == "admin:index":
        return (role, key)  # each role's own dashboard
    if path.startswith("/admin/"):
        if ONE_OF_A_KIND.match(key):
            return ("admin", ONE_OF_A_KIND.match(key)[1])
        model = ADMIN_MODEL_ROUTE.match(path.lstrip("/"))
        may = "change"
        if model and ADMIN_MODEL_NAME.match(key) and user is not None:
            may = "change" if user.has_perm(f"{model[1]}.change_{model[2]}") else "view"
        return ("admin", key, may)
    return (AUDIENCE_OF_ROLE[role], key)


def _followable(path: str, key: str | None) -> bool:
    if path.startswith(SKIPPED_PREFIXES) or NOT_A_PAGE.search(path):
        return False
    if path.startswith("/api/") and path != "/api/docs":
        return False
    return key not in SKIPPED_NAMES


# axe-core as axe-playwright-python bundles it (the package's own runner sends the whole script with every run).
AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
# No CSSOM preload: axe re-parses each stylesheet in the page's own context, so Django's forms.css
# `@import url('widgets.css')` resolved against the page and asked for /admin/<page>/widgets.css, a 404 in the console
# that no visitor's browser makes. The one rule that needs the preload (css-orientation-lock) guards against CSS that
# locks the screen's orientation, which no stylesheet of the site or of Django's admin does.
AXE_OPTIONS = {"resultTypes": ["violations"], "preload": False}
# Markup drawn by a third-party widget, left out of axe's run (the page around it is checked): Swagger UI's
# operation list (django-ninja's bundle) colours its method badges white on light green (contrast 2.2) and
# nests a button in each operation's summary control, upstream. Whether axe met it depended on how fast the
# schema arrived, so it is left out by name rather than by chance.
THIRD_PARTY = {"api-docs": "#swagger-ui"}

OVERFLOW_SCRIPT = """() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return "";
  const describe = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim())
      text += "." + el.className.trim().split(/\\s+/).slice(0, 3).join(".");
    return text;
  };
  const wide = (el) => el.getBoundingClientRect().right > width + 1;
  const causes = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (wide(el) && el.parentElement && !wide(el.parentElement) && el.getBoundingClientRect().width > 0) {
      causes.push(describe(el) + " (right edge " + Math.round(el.getBoundingClientRect().right) + "px)");
      if (causes.length === 3) break;
    }
  }
  return "document " + scrollWidth + "px wide: " + causes.join(", ");
}"""

# The first element the Tab key reaches (in document order: the site uses no positive tabindex), which must be
# a link to the page's main content that shows itself once focused. Found in the DOM rather than by pressing Tab,
# because a form page's autofocus starts the keyboard further down.
SKIP_LINK_SCRIPT = """() => {
  const tabbable = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])";
  // Only a page with a block to bypass (the site's menu, the admin's header) needs one: not a printable invoice.
  if (!document.querySelector("nav, #header")) return "";
  const first = Array.from(document.body.querySelectorAll(tabbable)).find((el) => !el.disabled);
  if (!first) return "nothing on the page takes the focus";
  if (first.tagName !== "A") return "the first Tab stop is not a link but " + first.tagName;
  const text = first.textContent.trim();
  if (!/skip/i.test(text)) return "the first Tab stop is '" + text + "', not a skip link";
  const target = (first.getAttribute("href") || "").replace(/^#/, "");
  if (!target || !document.getElementById(target)) return "the skip link's target #" + target + " is not on the page";
  first.focus();
  const box = first.getBoundingClientRect();
  first.blur();
  if (box.width < 2 || box.height < 2) return "the skip link stays hidden when it has the focus";
  return "";
}"""

LINKS_SCRIPT = """() => Array.from(document.querySelectorAll("a[href]"))
  .filter((a) => !a.hasAttribute("download") && !(a.target && a.target !== "_self"))
  .map((a) => a.href)"""


def _described(violation: dict) -> str:
    """ "color-contrast (serious): .badge, td > a and 3 more; Element has insufficient color contrast of 4.1 ..."."""
    nodes = violation["nodes"]
    targets = ", ".join(" ".join(map(str, node["target"])) for node in nodes[:4])
    more = f" and {len(nodes) - 4} more" if len(nodes) > 4 else ""
    checks = nodes[0].get("any", []) + nodes[0].get("all", []) + nodes[0].get("none", []) if nodes else []
    why = f"; {checks[0]['message'][:160]}" if checks else ""
    return f"{violation['id']} ({violation['impact']}): {targets}{more}{why}"


class PageConsole(Console):
    """The harness's console watch, less the error a page that answers 4xx logs about itself (the links test
    reports those, with where the link was)."""

    def _console(self, page, message) -> None:
        where = (message.location or {}).get("url", "")
        if message.type != "error" or where == page.url or where.endswith("/favicon.ico"):
            return
        self.errors.append(f"{page.url}: {message.text} ({where})")


class Crawler:
    def __init__(self, browser, base_url: str, scene: dict) -> None:
        self.browser = browser
        self.base_url = base_url
        self.origin = urlsplit(base_url).netloc
        self.scene = scene
        self.crawl = Crawl()
        self.seen: set[tuple] = set()

    def _context(self, role: str, viewport: dict):
        context = self.browser.new_context(base_url=self.base_url, viewport=viewport, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        # axe-core is in every page from its start: sent to the browser once, not once per run.
        context.add_init_script(script=AXE_SCRIPT)
        user = self.scene["people"][role]
        if user is not None:
            client = sign_in(Client(), user)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": self.base_url,
                    }
                ]
            )
        return context

    def _violations(self, page, key: str | None = None) -> list[str]:
        context = {"exclude": [[THIRD_PARTY[key]]]} if key in THIRD_PARTY else {}
        results = page.evaluate(
            "([context, options]) => axe.run({include: [document], ...context}, options)", [context, AXE_OPTIONS]
        )
        return [_described(violation) for violation in results["violations"] if violation["impact"] in BLOCKING]

    def _open(self, page, url: str, key: str | None):
        response = page.goto(url, wait_until="load")
        if key in READY:
            page.wait_for_selector(READY[key], state="attached")
        return response

    def role(self, role: str, start: list[str]) -> None:
        user = self.scene["people"][role]
        contexts = {width: self._context(role, viewport) for width, viewport in WIDTHS.items()}
        console = PageConsole()
        pages = {}
        for width, context in contexts.items():
            pages[width] = context.new_page()
            console.watch(pages[width])
        queue: deque[tuple[str, str]] = deque((url, "start") for url in start)
        queued: set[tuple] = set()
        visited = 0
        try:
            while queue and visited < MAX_PAGES_PER_ROLE:
                url, came_from = queue.popleft()
                path = urlsplit(url).path
                key = _pattern_key(path)
                kind = _kind(role, key, path, user)
                if kind in self.seen:
                    continue
                self.seen.add(kind)
                visit = self._visit(role, url, key, pages)
                if visit is None:
                    continue
                visit.came_from = came_from
                visited += 1
                self.crawl.visits.append(visit)
                for link in pages["1280"].evaluate(LINKS_SCRIPT) if visit.status == 200 else []:
                    parts = urlsplit(link)
                    if parts.netloc != self.origin:
                        continue
                    link_key = _pattern_key(parts.path)
                    if not _followable(parts.path, link_key):
                        continue
                    link_kind = _kind(role, link_key, parts.path, user)
                    if link_kind in self.seen or link_kind in queued:
                        continue
                    queued.add(link_kind)
                    target = parts.path + (f"?{parts.query}" if parts.query else "")
                    queue.append((target, url))
        finally:
            for context in contexts.values():
                context.close()
        self.crawl.console_errors += [f"[{role}] {error}" for error in console.errors]

    def _visit(self, role: str, url: str, key: str | None, pages: dict) -> PageVisit | None:
        desktop, phone = pages["1280"], pages["390"]
        began = time.monotonic()
        response = self._open(desktop, url, key)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            return None
        visit = PageVisit(role=role, url=url, key=key or "(no URL pattern)", status=response.status)
        visit.seconds["load 1280"] = time.monotonic() - began
        began = time.monotonic()
        visit.violations["1280"] = self._violations(desktop, key)
        visit.seconds["axe 1280"] = time.monotonic() - began
        visit.icon = desktop.evaluate("() => document.querySelector('link[rel~=\"icon\"]')?.href || ''")
        visit.skip_link = desktop.evaluate(SKIP_LINK_SCRIPT)
        began = time.monotonic()
        self._open(phone, url, key)
        visit.seconds["load 390"] = time.monotonic() - began
        began = time.monotonic()
        visit.violations["390"] = self._violations(phone, key)
        visit.seconds["axe 390"] = time.monotonic() - began
        visit.overflow = phone.evaluate(OVERFLOW_SCRIPT)
        return visit


@pytest.fixture(scope="module")
def crawl(browser, live_server, django_db_setup, django_db_blocker) -> Crawl:
    """The whole crawl, once: every role's pages at both widths (the tests below only read it)."""
    began = time.monotonic()
    with django_db_blocker.unblock():
        with muted():
            scene = _scene()
        crawler = Crawler(browser, live_server.url, scene)
        starts = _start_urls(scene)
        for role in CRAWLED:
            crawler.role(role, starts[role])
    crawler.crawl.seconds = time.monotonic() - began
    print(f"\naccessibility crawl: {len(crawler.crawl.visits)} pages in {crawler.crawl.seconds:.0f} s")
    totals: dict[str, float] = {}
    for visit in crawler.crawl.visits:
        for what, seconds in visit.seconds.items():
            totals[what] = totals.get(what, 0) + seconds
    print({what: round(seconds) for what, seconds in totals.items()})
    slowest = sorted(crawler.crawl.visits, key=lambda visit: -sum(visit.seconds.values()))[:10]
    for visit in slowest:
        print(visit.role, visit.url, {what: round(seconds, 2) for what, seconds in visit.seconds.items()})
    for role in CRAWLED:
        print(role, len(crawler.crawl.of(role)))
    return crawler.crawl


# ---------------------------------------------------------------------------------------------
# What the crawl found
# ---------------------------------------------------------------------------------------------


def _crawled(role: str) -> None:
    if role not in CRAWLED:
        pytest.skip(f"CLUBSITE_A11Y_ROLES leaves {role} out")


def _listing(lines: list[str]) -> str:
    return "\n".join(f"  {line}" for line in lines)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ROLES)
def test_axe_finds_no_serious_or_critical_violation(crawl, role, width):
    _crawled(role)
    pages = crawl.of(role)
    assert pages, f"the {role} crawl opened no page"
    found = [
        f"{visit.url} [{visit.key}]: {violation}" for visit in pages for violation in visit.violations.get(width, [])
    ]

    assert found == [], f"axe-core at {width} px as {role}, serious or critical:\n" + _listing(found)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_is_wider_than_a_phone(crawl, role):
    _crawled(role)
    wide = [f"{visit.url} [{visit.key}]: {visit.overflow}" for visit in crawl.of(role) if visit.overflow]

    assert wide == [], f"pages wider than {PHONE['width']} px as {role}:\n" + _listing(wide)


def test_every_page_names_its_icon(crawl):
    # Without one, chromium asks for /favicon.ico, which the site does not serve: an error in the console.
    missing = sorted({f"{visit.key} ({visit.url})" for visit in crawl.visits if not visit.icon})

    assert missing == [], "pages without <link rel=icon>:\n" + _listing(missing)


def test_every_page_starts_with_a_skip_link_to_its_main_content(crawl):
    wrong = sorted({f"{visit.key} ({visit.url}): {visit.skip_link}" for visit in crawl.visits if visit.skip_link})

    assert wrong == [], "pages whose first Tab stop is not a working skip link:\n" + _listing(wrong)


def test_the_browser_reports_no_error_on_any_page(crawl):
    assert crawl.console_errors == [], "the browser reported errors:\n" + _listing(crawl.console_errors)


def test_every_link_leads_to_a_page(crawl):
    # The start URLs include a page that does not exist, on purpose (the 404 page is a page too).
    broken = [
        f"{visit.url} [{visit.key}] answers {visit.status} to {visit.role} (linked from {visit.came_from})"
        for visit in crawl.visits
        if visit.status >= 400 and visit.came_from != "start"
    ]

    assert broken == [], "links that lead to an error page:\n" + _listing(broken)


def _expected_visits() -> set[tuple[str, str]]:
    """(audience, page kind) for every URL pattern of the access matrix that shows an HTML page to someone.

    A public page needs a visitor's visit; a page for signed-in people a visit by each audience who may open
    it; the admin's pages one visit by any staff role.
    """
    expected = set()
    for key, access in ACCESS.items():
        if key in NOT_HTML or DOWNLOAD_NAME.search(key):
            continue
        audiences = {AUDIENCE_OF_PERSONA[persona] for persona, outcome in access.get.items() if outcome == OK}
        if not audiences:
            continue
        if ONE_OF_A_KIND.match(key):
            expected.add(("staff", ONE_OF_A_KIND.match(key)[1]))
        elif "anonymous" in audiences:
            expected.add(("anonymous", key))
        else:
            expected |= {(audience, key) for audience in audiences}
    return expected


def test_every_html_page_was_visited(crawl):
    if CRAWLED != ROLES:
        pytest.skip("CLUBSITE_A11Y_ROLES crawled only some roles")
    visited = set()
    for visit in crawl.visits:
        if visit.status != 200:
            continue
        audience = AUDIENCE_OF_ROLE[visit.role]
        kind = ONE_OF_A_KIND.match(visit.key)
        visited.add((audience, kind[1] if kind else visit.key))

    never = sorted(f"{audience}: {key}" for audience, key in _expected_visits() - visited)

    assert never == [], "pages no crawl reached (link to them, or add a start URL in _start_urls):\n" + _listing(never)
