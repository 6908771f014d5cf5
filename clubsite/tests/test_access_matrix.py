"""Who may open what: every URL pattern of the site, for every kind of person, for GET and POST.

The patterns are enumerated from the URL resolver, so a URL added without an entry in ACCESS fails
``test_every_url_pattern_has_an_entry``. Ids in URLs are filled with objects owned by member A (and the
trainer): member B and the second trainer must get 404 for them, never someone else's page.
Each cell runs in a savepoint that is rolled back, so a POST that does something leaves the next cell
the same world.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from billing.models import BillingRun
from billing.services import invoice_issue
from billing.tests.factories import (
    ClassPackFactory,
    CreditPackFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
    MembershipFreezeFactory,
    MembershipPlanFactory,
    PaymentFactory,
)
from clubsite.accounts.services import token_create
from clubsite.accounts.tests.factories import UserFactory
from clubsite.audit.models import AuditEvent
from clubsite.frontdesk.tests.factories import StaffNoteFactory, VisitFactory
from clubsite.privacy.models import ErasureRequest
from clubsite.testing.jobs import failed_job
from clubsite.testing.roles import staff_user
from clubsite.testing.twofactor import sign_in
from clubsite.webhooks.tests.factories import WebhookDeliveryFactory
from members.tests.factories import FitnessGoalFactory, HealthMetricFactory, MemberFactory
from operations.models import AdminStaff, ClassRegistration
from operations.staff import ROLE_GROUPS
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

# ---------------------------------------------------------------------------------------------
# The people
# ---------------------------------------------------------------------------------------------

PERSONAS = (
    "anonymous",
    "member_a",
    "member_b",
    "trainer",
    "trainer_b",
    "manager",
    "front_desk",
    "maintenance",
    "billing",
    "superuser",
)
MEMBERS = {"member_a", "member_b"}
TRAINERS = {"trainer", "trainer_b"}
STAFF_ROLES = {"manager", "front_desk", "maintenance", "billing"}
STAFF = STAFF_ROLES | {"superuser"}

# ---------------------------------------------------------------------------------------------
# The outcomes a person can meet
# ---------------------------------------------------------------------------------------------

OK = "200"
DENIED = "403"
NOT_FOUND = "404"
GET_ONLY = "405"
SIGN_IN = "302 sign in"
ADMIN_SIGN_IN = "302 admin sign in"


def to(name: str) -> str:
    """A redirect to the page named ``name`` (after a done action, or to the person's own portal)."""
    return f"302 to {name}"


def outcome_of(response) -> str:
    """What a person meets, in the same words as the table."""
    if response.status_code not in (301, 302):
        return str(response.status_code)
    location = urlsplit(response["Location"])
    name = resolve(location.path).view_name
    if name == "accounts:login" and location.query.startswith("next="):
        return SIGN_IN
    if name == "admin:login" and location.query.startswith("next="):
        return ADMIN_SIGN_IN
    return to(name)


@dataclass(frozen=True)
class Access:
    """The outcome of GET and POST on one URL for every persona."""

    get: dict[str, str]
    post: dict[str, str]


def cells(default: str, **by_persona: str) -> dict[str, str]:
    unknown = set(by_persona) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    return {persona: by_persona.get(persona, default) for persona in PERSONAS}


def each(personas: set[str], outcome: str) -> dict[str, str]:
    return dict.fromkeys(personas, outcome)


def public(get: str = OK, post: str = GET_ONLY) -> Access:
    """The same for everyone, signed in or not."""
    return Access(get=cells(get), post=cells(post))


def member_page(get: str = OK, post: str = GET_ONLY, *, member_b: str | None = None) -> Access:
    """Members only: anonymous visitors are sent to sign in, everyone else is refused.

    ``member_b``: what member B meets on a URL naming member A's object (404, also for POST).
    """
    b_get = b_post = member_b
    if member_b == NOT_FOUND and post == GET_ONLY:
        b_post = GET_ONLY  # a read-only page refuses a POST before looking anything up
    if member_b == NOT_FOUND and get == GET_ONLY:
        b_get = GET_ONLY  # and a button (POST only) refuses a GET
    return Access(
        get=cells(DENIED, anonymous=SIGN_IN, member_a=get, member_b=b_get or get),
        post=cells(DENIED, anonymous=SIGN_IN, member_a=post, member_b=b_post or post),
    )


def member_posts(*, member_a: str, member_b: str) -> Access:
    """A member page whose POST acts on the member's own state, so each member may meet another outcome."""
    return Access(get=member_page().get, post=cells(DENIED, anonymous=SIGN_IN, member_a=member_a, member_b=member_b))


def trainer_page(get: str = OK, post: str = GET_ONLY, *, trainer_b: str | None = None) -> Access:
    """Active trainers only; ``trainer_b`` is what the other trainer meets on the first trainer's object."""
    return Access(
        get=cells(DENIED, anonymous=SIGN_IN, trainer=get, trainer_b=trainer_b or get),
        post=cells(DENIED, anonymous=SIGN_IN, trainer=post, trainer_b=trainer_b or post),
    )


def signed_in_page(get: str = OK, post: str = OK) -> Access:
    """Anyone signed in; anonymous visitors are sent to sign in."""
    return Access(get=cells(get, anonymous=SIGN_IN), post=cells(post, anonymous=SIGN_IN))


def anonymous_page(get: str = OK, post: str = OK, *, signed_in: str) -> Access:
    """For visitors; a signed-in person is sent on to ``signed_in``."""
    return Access(get=cells(signed_in, anonymous=get), post=cells(signed_in, anonymous=post))


LANDING = {
    "anonymous": SIGN_IN,
    **each(MEMBERS, to("members:dashboard")),
    **each(TRAINERS, to("trainers:schedule")),
    **each(STAFF, to("admin:index")),
}

# ---------------------------------------------------------------------------------------------
# The table: one entry per URL pattern (its name, or its route when it has none)
# ---------------------------------------------------------------------------------------------

#: The personas who must use two-factor sign-in (clubsite.accounts.roles.two_factor_required).
TWO_FACTOR = {"manager", "billing", "superuser"}

SITE_ACCESS: dict[str, Access] = {
    "home": public(),
    # For load balancers: the database and the job queue, to anyone.
    "health": public(),
    "plans": public(),
    # Accounts
    "accounts:login": anonymous_page(signed_in=to("accounts:landing")),
    "accounts:logout": public(get=GET_ONLY, post=to("home")),
    "accounts:landing": Access(get=LANDING, post=LANDING),
    "accounts:signup": anonymous_page(signed_in=to("accounts:landing")),
    # Where every sign-up lands; and a made-up link to open an account: the page says the link no longer works.
    "accounts:signup-sent": public(),
    "accounts:signup-confirm": public(get=NOT_FOUND, post=NOT_FOUND),
    "accounts:password-change": signed_in_page(),
    "accounts:password-reset": public(post=OK),
    "accounts:password-reset-done": public(),
    # A made-up token: the page says the link is no longer valid, to anyone.
    "accounts:password-reset-confirm": public(post=OK),
    "accounts:password-reset-complete": public(),
    # Anyone's own tokens (an empty POST: the form asks for a name); the id is member A's token.
    "accounts:tokens": signed_in_page(),
    "accounts:token-revoke": Access(
        get=cells(NOT_FOUND, anonymous=SIGN_IN, member_a=OK),
        post=cells(NOT_FOUND, anonymous=SIGN_IN, member_a=to("accounts:tokens")),
    ),
    # Two-factor sign-in. The code step waits for a password step: without one, a visitor is sent to sign in and a
    # signed-in person on. Whoever must use it (manager, billing, superuser) has it on and a verified session.
    "accounts:two-factor-code": Access(
        get=cells(to("accounts:landing"), anonymous=to("accounts:login")),
        post=cells(to("accounts:landing"), anonymous=to("accounts:login")),
    ),
    "accounts:two-factor": signed_in_page(post=GET_ONLY),
    "accounts:two-factor-enrol": Access(
        get=cells(OK, anonymous=SIGN_IN, **each(TWO_FACTOR, to("accounts:two-factor"))),
        post=cells(OK, anonymous=SIGN_IN, **each(TWO_FACTOR, to("accounts:two-factor"))),  # the code is missing
    ),
    "accounts:two-factor-recovery-codes": Access(
        get=cells(GET_ONLY, anonymous=SIGN_IN),
        post=cells(to("accounts:two-factor"), anonymous=SIGN_IN, **each(TWO_FACTOR, OK)),  # new codes, shown
    ),
    "accounts:two-factor-disable": Access(
        get=cells(to("accounts:two-factor"), anonymous=SIGN_IN, **each(TWO_FACTOR, OK)),
        post=cells(to("accounts:two-factor"), anonymous=SIGN_IN, **each(TWO_FACTOR, OK)),  # the code is missing
    ),
    # The API's own pages: its schema and Swagger UI are public (an operation still asks for credentials).
    # django-ninja's schema view answers any method with the schema; it changes nothing.
    "api:openapi-json": public(post=OK),
    "api-docs": public(),
    "docs": public(get=to("api-docs"), post=to("api-docs")),
    "^api/": public(get=NOT_FOUND, post=NOT_FOUND),
    # Member portal (ids: member A's goal, registration, session and invoice)
    "members:dashboard": member_page(),
    "members:profile": member_page(post=OK),
    # A form of the profile page: POST only; an empty POST turns both reminders off.
    "members:reminders": member_page(get=GET_ONLY, post=to("members:profile")),
    # A reminder's link to the member's choices: the signed link is the key (a made-up one opens nothing).
    "notifications:preferences": public(get=NOT_FOUND, post=NOT_FOUND),
    "members:goals": member_page(),
    "members:goal-create": member_page(post=OK),
    "members:goal-update": member_page(post=OK, member_b=NOT_FOUND),
    "members:goal-deactivate": member_page(post=to("members:goals"), member_b=NOT_FOUND),
    "members:metrics": member_page(),
    "members:metric-create": member_page(post=OK),
    # Consent to health metrics (member A and B consented: giving again is refused on the page), withdrawing it
    # (then the page asks about the stored measurements), deleting them (refused while consent is in force).
    "members:metrics-consent": member_page(post=OK),
    # (member A has a measurement: asked about it next; member B has none.)
    "members:metrics-consent-withdraw": member_posts(
        member_a=to("members:metrics-erase"), member_b=to("members:metrics")
    ),
    "members:metrics-erase": member_page(post=OK),
    # Privacy: the public notice; a member's data page, its zip, and asking to be erased (or calling it off).
    "privacy:notice": public(),
    "privacy:mine": member_page(),
    "privacy:export": member_page(),
    "privacy:erasure-request": member_page(post=to("privacy:mine")),
    "privacy:erasure-cancel": member_page(post=OK),
    "members:timetable": member_page(),
    "members:timetable-week": member_page(),
    "members:class-detail": member_page(),
    "members:class-register": member_page(post=to("members:timetable")),
    "members:registration-cancel": member_page(post=to("members:dashboard"), member_b=NOT_FOUND),
    "members:training": member_page(),
    "members:pt-book": member_page(post=OK),
    "members:pt-reschedule": member_page(post=OK, member_b=NOT_FOUND),
    "members:pt-cancel": member_page(post=to("members:training"), member_b=NOT_FOUND),
    "members:invoices": member_page(),
    # The member card; its service worker holds no one's data (anyone may fetch it); a new code is a POST button.
    "members:card": member_page(),
    "members:card-worker": public(),
    "members:card-rotate": Access(
        get=cells(DENIED, anonymous=SIGN_IN, **each(MEMBERS, GET_ONLY)),
        post=cells(DENIED, anonymous=SIGN_IN, **each(MEMBERS, to("members:card"))),
    ),
    "members:invoice-detail": member_page(member_b=NOT_FOUND),
    "members:invoice-pdf": member_page(member_b=NOT_FOUND),
    # Memberships, freezes, packs and offered seats (an empty POST: the form says what is missing).
    "members:membership": member_page(),
    # The world's rows run in order on one database: Ann (member A) has a membership, Bob does not. So Bob joins
    # while Ann is refused on the page; Ann changes plan and gives notice while Bob is refused on the page.
    "members:membership-join": member_posts(member_a=OK, member_b=to("members:invoice-detail")),
    "members:membership-change": member_posts(member_a=to("members:membership"), member_b=OK),
    "members:membership-cancel": member_posts(member_a=to("members:membership"), member_b=OK),
    "members:membership-cancel-withdraw": member_page(post=OK),
    "members:membership-freeze": member_page(post=OK),
    "members:freeze-end": member_page(post=OK, member_b=NOT_FOUND),
    "members:packs": member_page(),
    # The pack is on sale to every member; confirming buys it and shows its invoice.
    "members:pack-buy": member_page(post=to("members:invoice-detail")),
    "members:offer-accept": member_page(get=GET_ONLY, post=to("members:dashboard"), member_b=NOT_FOUND),
    "members:offer-decline": member_page(get=GET_ONLY, post=to("members:dashboard"), member_b=NOT_FOUND),
    # Trainer portal (ids: the first trainer's window, class and session; member A's profile)
    "trainers:schedule": trainer_page(),
    "trainers:schedule-list": trainer_page(),
    "trainers:availability": trainer_page(),
    "trainers:availability-create": trainer_page(post=OK),
    "trainers:availability-update": trainer_page(post=OK, trainer_b=NOT_FOUND),
    "trainers:availability-delete": trainer_page(post=to("trainers:availability"), trainer_b=NOT_FOUND),
    # The weekly template and time off (an empty POST: the form says what is missing).
    "trainers:availability-template": trainer_page(post=OK),
    "trainers:availability-template-apply": trainer_page(post=OK),
    "trainers:availability-template-remove": trainer_page(
        post=to("trainers:availability-template"), trainer_b=NOT_FOUND
    ),
    "trainers:time-off": trainer_page(post=OK),
    "trainers:time-off-remove": trainer_page(post=to("trainers:time-off"), trainer_b=NOT_FOUND),
    # Attendance before the class has started is refused on the page itself.
    "trainers:class-detail": trainer_page(post=OK, trainer_b=NOT_FOUND),
    "trainers:session-detail": trainer_page(post=OK, trainer_b=NOT_FOUND),
    # Notes on a session not started yet: the form says so.
    "trainers:session-notes": trainer_page(post=OK, trainer_b=NOT_FOUND),
    "trainers:member-lookup": trainer_page(),
    "trainers:member-profile": trainer_page(),
    "trainers:equipment-issue": trainer_page(post=OK),
    # Calendar feeds: calendar apps read them without signing in, the token is the key (a made-up one: 404).
    "calendars:feed": public(get=NOT_FOUND, post=GET_ONLY),
    # A new feed address, for members and trainers (a POST button; back to the page it was on).
    "calendars:rotate": Access(
        get=cells(DENIED, anonymous=SIGN_IN, **each(MEMBERS | TRAINERS, GET_ONLY)),
        post=cells(
            DENIED,
            anonymous=SIGN_IN,
            **each(MEMBERS, to("members:profile")),
            **each(TRAINERS, to("calendars:trainer")),
        ),
    ),
    "calendars:trainer": trainer_page(),
    # "Add to calendar": one's own place, session or class as an .ics file (ids: member A's, the first trainer's).
    "calendars:member-registration": member_page(member_b=NOT_FOUND),
    "calendars:member-session": member_page(member_b=NOT_FOUND),
    "calendars:trainer-class": Access(
        get=cells(DENIED, anonymous=SIGN_IN, trainer=OK, trainer_b=NOT_FOUND),
        post=cells(DENIED, anonymous=SIGN_IN, **each(TRAINERS, GET_ONLY)),
    ),
    "calendars:trainer-session": Access(
        get=cells(DENIED, anonymous=SIGN_IN, trainer=OK, trainer_b=NOT_FOUND),
        post=cells(DENIED, anonymous=SIGN_IN, **each(TRAINERS, GET_ONLY)),
    ),
}

# ---------------------------------------------------------------------------------------------
# The staff back office
# ---------------------------------------------------------------------------------------------

NOT_STAFF = set(PERSONAS) - STAFF
# Who holds a right: a role's own work, always with the manager (everything of the club's apps) and the
# superuser (everything, Django's own tables too).
SUPERUSER = {"superuser"}
MANAGER = {"manager", "superuser"}
FRONT_DESK = MANAGER | {"front_desk"}
MAINTENANCE = MANAGER | {"maintenance"}
BILLING = MANAGER | {"billing"}
DESK_BILLING = BILLING | {"front_desk"}
NOBODY: set[str] = set()


@dataclass(frozen=True)
class Rights:
    """Who may view, add, change and delete one model in the back office (its role groups, as the
    admin narrows them: history is never deleted, a payment never edited, ...)."""

    view: set[str]
    add: set[str]
    change: set[str]
    delete: set[str]


ADMIN_RIGHTS: dict[str, Rights] = {
    # model: Rights(view, add, change, delete)
    "auth.group": Rights(SUPERUSER, SUPERUSER, SUPERUSER, SUPERUSER),
    "axes.accessattempt": Rights(SUPERUSER, NOBODY, SUPERUSER, SUPERUSER),
    "axes.accesslog": Rights(SUPERUSER, NOBODY, SUPERUSER, SUPERUSER),
    "axes.accessfailurelog": Rights(SUPERUSER, NOBODY, SUPERUSER, SUPERUSER),
    "accounts.user": Rights(MANAGER, MANAGER, MANAGER, MANAGER),
    # Only a superuser makes a token for someone else (it would act as them); managers see and revoke.
    "accounts.accesstoken": Rights(MANAGER, SUPERUSER, MANAGER, MANAGER),
    "members.member": Rights(FRONT_DESK | BILLING, FRONT_DESK, FRONT_DESK, NOBODY),
    "members.fitnessgoal": Rights(FRONT_DESK, FRONT_DESK, FRONT_DESK, NOBODY),
    "members.healthmetric": Rights(FRONT_DESK, FRONT_DESK, NOBODY, NOBODY),
    "trainers.trainer": Rights(MANAGER, MANAGER, MANAGER, MANAGER),
    "trainers.traineravailability": Rights(MANAGER, MANAGER, MANAGER, NOBODY),
    # The desk sees when a trainer works and is away; rows are added and removed (actions), never edited.
    "trainers.weeklyslot": Rights(FRONT_DESK, MANAGER, NOBODY, NOBODY),
    "trainers.timeoff": Rights(FRONT_DESK, MANAGER, NOBODY, NOBODY),
    "operations.adminstaff": Rights(MANAGER, MANAGER, MANAGER, NOBODY),
    "operations.room": Rights(MAINTENANCE, MAINTENANCE, MAINTENANCE, NOBODY),
    "operations.equipment": Rights(MAINTENANCE, MAINTENANCE, MAINTENANCE, NOBODY),
    "operations.maintenancerecord": Rights(MAINTENANCE, MAINTENANCE, MAINTENANCE, NOBODY),
    "operations.booking": Rights(FRONT_DESK, FRONT_DESK, NOBODY, NOBODY),
    "operations.groupclass": Rights(FRONT_DESK, MANAGER, MANAGER, NOBODY),
    "operations.classregistration": Rights(FRONT_DESK, FRONT_DESK, NOBODY, NOBODY),
    "operations.personaltrainingsession": Rights(FRONT_DESK, FRONT_DESK, FRONT_DESK, NOBODY),
    # A plan is retired (no longer offered), never deleted: its memberships and bills name it.
    "billing.membershipplan": Rights(BILLING, BILLING, BILLING, NOBODY),
    "billing.membership": Rights(DESK_BILLING, BILLING, BILLING, NOBODY),
    # The front desk freezes members and sells packs; a pack bought is a read-only record of what is left.
    "billing.membershipfreeze": Rights(DESK_BILLING, DESK_BILLING, DESK_BILLING, NOBODY),
    "billing.classpack": Rights(DESK_BILLING, BILLING, BILLING, NOBODY),
    "billing.creditpack": Rights(DESK_BILLING, DESK_BILLING, NOBODY, NOBODY),
    "billing.invoice": Rights(BILLING | {"front_desk"}, BILLING, BILLING, NOBODY),
    "billing.invoiceline": Rights(BILLING, BILLING, NOBODY, NOBODY),
    "billing.payment": Rights(BILLING | {"front_desk"}, BILLING | {"front_desk"}, NOBODY, NOBODY),
    # Written by the run alone; whoever bills may look.
    "billing.billingrun": Rights(BILLING, NOBODY, NOBODY, NOBODY),
    # Managers run the webhooks; deliveries are a read-only log.
    "webhooks.webhookendpoint": Rights(MANAGER, MANAGER, MANAGER, NOBODY),
    "webhooks.webhookdelivery": Rights(MANAGER, NOBODY, NOBODY, NOBODY),
    # The job queue: every job (procrastinate's own list) and the failed ones with their errors, read-only; a
    # failed job is retried by an action on the list.
    "procrastinate.procrastinatejob": Rights(MANAGER, NOBODY, NOBODY, NOBODY),
    "jobs.failedjob": Rights(MANAGER, NOBODY, NOBODY, NOBODY),
    # Written at the desk (check-ins, the member page's notes); the admin only lists them.
    "frontdesk.visit": Rights(FRONT_DESK, NOBODY, NOBODY, NOBODY),
    "frontdesk.staffnote": Rights(FRONT_DESK, NOBODY, NOBODY, NOBODY),
    # The audit trail: managers read it; the database refuses any change.
    "audit.auditevent": Rights(MANAGER, NOBODY, NOBODY, NOBODY),
    # Erasure requests: managers approve them (an action); nobody adds, edits or deletes one.
    "privacy.erasurerequest": Rights(MANAGER, NOBODY, NOBODY, NOBODY),
}

# What an empty POST to a change page does for who may change: the form comes back with what is
# missing (200), except where the page has nothing to fill in and saves as it is.
CHANGE_POST_SAVES = {
    "axes.accessattempt": to("admin:axes_accessattempt_changelist"),
    "axes.accesslog": to("admin:axes_accesslog_changelist"),
    "axes.accessfailurelog": to("admin:axes_accessfailurelog_changelist"),
    # A token is never edited: its page has only read-only fields.
    "accounts.accesstoken": to("admin:accounts_accesstoken_changelist"),
}


def staff_only(allowed: set[str], get: str, post: str, *, refused: str = DENIED) -> Access:
    """A back-office URL: people who are not staff are sent to the admin's sign-in; staff not in
    ``allowed`` get ``refused``."""
    staff_get = {persona: get if persona in allowed else refused for persona in STAFF}
    staff_post = {persona: post if persona in allowed else refused for persona in STAFF}
    return Access(
        get={**each(NOT_STAFF, ADMIN_SIGN_IN), **staff_get},
        post={**each(NOT_STAFF, ADMIN_SIGN_IN), **staff_post},
    )


def admin_model_urls(model: str, rights: Rights) -> dict[str, Access]:
    """The six URLs Django's admin gives a model, from who may do what with it."""
    app_label, model_name = model.split(".")
    prefix = f"admin:{app_label}_{model_name}"
    viewers = rights.view | rights.change
    change_post = CHANGE_POST_SAVES.get(model, OK)
    change = staff_only(viewers, OK, DENIED)
    change.post.update({persona: change_post for persona in rights.change})
    return {
        f"{prefix}_changelist": staff_only(viewers, OK, OK),
        f"{prefix}_add": staff_only(rights.add, OK, OK),
        f"{prefix}_change": change,
        f"{prefix}_history": staff_only(viewers, OK, OK),
        # An empty POST is not a confirmation: the page asks again.
        f"{prefix}_delete": staff_only(rights.delete, OK, OK),
        # The bare object URL forwards staff to the change page, whatever their rights.
        f"admin/{app_label}/{model_name}/<path:object_id>/": staff_only(
            STAFF, to(f"{prefix}_change"), to(f"{prefix}_change")
        ),
    }


STAFF_ANY = staff_only(STAFF, OK, OK)


def invoice_button() -> Access:
    access = staff_only(BILLING, GET_ONLY, to("admin:billing_invoice_change"))
    access.get.update(each(STAFF, GET_ONLY))  # POST only, before anything is looked up
    return access


ADMIN_ACCESS: dict[str, Access] = {
    "admin:index": STAFF_ANY,
    "admin:login": Access(
        get={**each(NOT_STAFF, OK), **each(STAFF, to("admin:index"))},
        post=cells(OK),  # an empty sign-in is refused on the page
    ),
    # Who is not staff is sent to the admin's front page (and from there to its sign-in); staff sign out.
    "admin:logout": Access(
        get={**each(NOT_STAFF, to("admin:index")), **each(STAFF, GET_ONLY)},
        post={**each(NOT_STAFF, to("admin:index")), **each(STAFF, to("home"))},
    ),
    "admin:password_change": STAFF_ANY,
    "admin:password_change_done": staff_only(STAFF, OK, GET_ONLY),
    # Without the field it completes the autocomplete refuses.
    "admin:autocomplete": staff_only(STAFF, DENIED, GET_ONLY),
    "admin:jsi18n": staff_only(STAFF, OK, GET_ONLY),
    # No model here has a page on the site to view.
    "admin:view_on_site": staff_only(STAFF, NOT_FOUND, NOT_FOUND),
    # /admin/members/: the app's page, for staff who may see something in it.
    "admin:app_list": staff_only(FRONT_DESK | BILLING, OK, OK, refused=NOT_FOUND),
    "admin/(?P<url>.*)$": staff_only(STAFF, NOT_FOUND, NOT_FOUND),
    "admin:auth_user_password_change": staff_only(MANAGER, OK, OK),
    "admin:operations_booking_day": staff_only(FRONT_DESK, OK, OK),
    "admin:billing_invoice_generate": staff_only(BILLING, OK, OK),
    # Joining a member on a plan (an empty POST: the form says what is missing).
    "admin:billing_membership_join": staff_only(BILLING, OK, OK),
    "admin:billing_invoice_print": staff_only(BILLING | {"front_desk"}, OK, OK),
    "admin:billing_invoice_pdf": staff_only(BILLING | {"front_desk"}, OK, OK),
    # Buttons on the invoice page: POST only; the outcome (here a refusal, the invoice being issued
    # and partly paid) is a message on the invoice page.
    "admin:billing_invoice_issue": invoice_button(),
    # Voiding asks first (GET: what voiding does); its POST is refused here, the invoice holding a payment.
    "admin:billing_invoice_void": staff_only(BILLING, OK, to("admin:billing_invoice_change")),
    # The back office's billing runs; the button is POST only and queues a run (an empty POST: a message).
    "backoffice:billing-runs": staff_only(BILLING, OK, OK),
    # The front desk (an empty POST: the box or the note form says what is missing); a member's visits are a list.
    "frontdesk:desk": staff_only(FRONT_DESK, OK, OK),
    "frontdesk:member": staff_only(FRONT_DESK, OK, OK),
    "frontdesk:member-visits": staff_only(FRONT_DESK, OK, GET_ONLY),
    "backoffice:billing-run-again": Access(
        get={**each(NOT_STAFF, ADMIN_SIGN_IN), **each(STAFF, GET_ONLY)},
        post=staff_only(BILLING, OK, to("backoffice:billing-runs")).post,
    ),
}
for _model, _rights in ADMIN_RIGHTS.items():
    ADMIN_ACCESS.update(admin_model_urls(_model, _rights))

ACCESS: dict[str, Access] = {**SITE_ACCESS, **ADMIN_ACCESS}

# ---------------------------------------------------------------------------------------------
# Enumerating the URL patterns and filling in their ids
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL's name ("members:goal-update"), or its route when it has none
    route: str


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Pattern(key=name or route, route=route)


def url_patterns() -> list[Pattern]:
    # The API's operations have their own matrix, built from its schema (test_api_access_matrix.py): every
    # operation, role, token and session. This one keeps the API's pages: the schema, the docs, the 404.
    return [
        pattern
        for pattern in _walk(get_resolver())
        if not pattern.key.startswith("api:") or pattern.key == "api:openapi-json"
    ]


def fill(route: str, values: dict[str, str]) -> str:
    """The path of a route with its parameters filled in (``<int:pk>`` -> ``values["pk"]``)."""
    route = route.replace("^", "").replace("$", "")

    def value(match: re.Match) -> str:
        return str(values[match.group(1)])

    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", value, route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", value, path)
    return "/" + path


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One of everything a URL can name, made once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        people = _people()
        objects = _objects(people)
        yield {"people": people, "sessions": _sessions(people), **objects}
        transaction.set_rollback(True)


def _people() -> dict:
    trainer = TrainerFactory(user__first_name="Tara", user__last_name="Trainer")
    return {
        "anonymous": None,
        "member_a": MemberFactory(user__first_name="Ann", user__last_name="Archer").user,
        "member_b": MemberFactory(user__first_name="Bob", user__last_name="Baker").user,
        "trainer": trainer.user,
        "trainer_b": TrainerFactory(user__first_name="Sam", user__last_name="Second").user,
        **{role: staff_user(role, first_name="Staff", last_name=role) for role in STAFF_ROLES},
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }


def _sessions(people: dict) -> dict[str, str | None]:
    """Each persona signed in once; every cell reuses the session (signing in is a few writes)."""
    sessions = {}
    for persona, user in people.items():
        client = Client()
        if user is not None:
            sign_in(client, user)
        cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
        sessions[persona] = cookie.value if cookie else None
    return sessions


def _objects(people: dict) -> dict:
    member_a = people["member_a"].member
    trainer = people["trainer"].trainer
    room = RoomFactory(name="Studio A")
    # Member A's things, with the first trainer where a trainer is involved.
    registered = GroupClassFactory(
        booking__trainer=trainer, booking__room=room, booking__start_time=local_time(days=3, hour=9)
    )
    registration = ClassRegistrationFactory(member=member_a, group_class=registered)
    open_class = GroupClassFactory(
        booking__trainer=trainer, booking__room=room, booking__start_time=local_time(days=3, hour=11)
    )
    session = PersonalTrainingSessionFactory(
        member=member_a, booking__trainer=trainer, booking__room=None, booking__start_time=local_time(days=4, hour=9)
    )
    invoice = InvoiceFactory(member=member_a)
    line = InvoiceLineFactory(invoice=invoice, unit_price=Decimal("30.00"))
    invoice_issue(invoice=invoice)
    payment = PaymentFactory(invoice=invoice, amount=Decimal("10.00"))
    window = TrainerAvailabilityFactory(
        trainer=trainer, start_time=local_time(days=6, hour=8), end_time=local_time(days=6, hour=12)
    )
    equipment = EquipmentFactory(room=room)
    return {
        "slot": WeeklySlot.objects.create(
            trainer=trainer, weekday=0, start_time=datetime.time(6), end_time=datetime.time(7)
        ),
        "time_off": TimeOff.objects.create(
            trainer=trainer, first_day=local_time(days=20, hour=0).date(), last_day=local_time(days=21, hour=0).date()
        ),
        "member_a": member_a,
        "trainer": trainer,
        "token": token_create(user=member_a.user, name="Ann's app")[0],
        "goal": FitnessGoalFactory(member=member_a),
        "metric": HealthMetricFactory(member=member_a),
        "registration": registration,
        "open_class": open_class,
        "session": session,
        "invoice": invoice,
        "line": line,
        "payment": payment,
        "window": window,
        "room": room,
        "equipment": equipment,
        "maintenance": MaintenanceRecordFactory(equipment=equipment),
        "booking": BookingFactory(room=room, start_time=local_time(days=5, hour=9)),
        "plan": MembershipPlanFactory(name="Gold"),
        "billing_run": BillingRun.objects.create(
            period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 1, 31), trigger="schedule"
        ),
        "membership": (membership := MembershipFactory(member=member_a)),
        "freeze": MembershipFreezeFactory(membership=membership),
        "class_pack": (class_pack := ClassPackFactory(name="5-class pack")),
        "credit_pack": CreditPackFactory(member=member_a, pack=class_pack),
        "offer": ClassRegistrationFactory(
            member=member_a,
            group_class=GroupClassFactory(booking__trainer=trainer, booking__start_time=local_time(days=3, hour=14)),
            status=ClassRegistration.Status.OFFERED,
            offer_expires_at=local_time(days=3, hour=13),
        ),
        "webhook_delivery": WebhookDeliveryFactory(),
        "failed_job": failed_job("matrix"),
        "visit": VisitFactory(member=member_a),
        "staff_note": StaffNoteFactory(member=member_a),
        "staff": AdminStaff.objects.get(user=people["manager"]),
        "group": Group.objects.get(name=ROLE_GROUPS[AdminStaff.Role.MANAGER]),
        "access_attempt": AccessAttempt.objects.create(
            username="ann@clubsite.test", ip_address="127.0.0.1", failures_since_start=1, attempt_time=timezone.now()
        ),
        "access_log": AccessLog.objects.create(
            username="ann@clubsite.test", ip_address="127.0.0.1", attempt_time=timezone.now()
        ),
        "access_failure": AccessFailureLog.objects.create(
            username="ann@clubsite.test", ip_address="127.0.0.1", attempt_time=timezone.now()
        ),
        "audit_event": AuditEvent.objects.filter(table_name="billing_invoice").latest("id"),
        # A third member's pending request: members A and B have none (they may ask; calling off is refused).
        "erasure_request": ErasureRequest.objects.create(member=MemberFactory()),
    }


# URL name -> which object of the world its id names.
OBJECT_OF = {
    "accounts:token-revoke": "token",
    "members:goal-update": "goal",
    "members:goal-deactivate": "goal",
    "members:class-register": "open_class",
    "members:class-detail": "open_class",
    "members:registration-cancel": "registration",
    "members:pt-book": "trainer",
    "members:pt-reschedule": "session",
    "members:pt-cancel": "session",
    "members:invoice-detail": "invoice",
    "members:invoice-pdf": "invoice",
    "members:freeze-end": "freeze",
    "members:pack-buy": "class_pack",
    "members:offer-accept": "offer",
    "members:offer-decline": "offer",
    "trainers:availability-update": "window",
    "trainers:availability-delete": "window",
    "trainers:class-detail": "registration.group_class",
    "trainers:session-detail": "session",
    "trainers:session-notes": "session",
    "trainers:availability-template-remove": "slot",
    "trainers:time-off-remove": "time_off",
    "trainers:member-profile": "member_a",
    "calendars:member-registration": "registration",
    "calendars:member-session": "session",
    "calendars:trainer-class": "registration.group_class",
    "calendars:trainer-session": "session",
}


def _dig(world: dict, path: str):
    obj = world[path.split(".")[0]]
    for attribute in path.split(".")[1:]:
        obj = getattr(obj, attribute)
    return obj


# Admin model -> which object of the world its object URLs name.
ADMIN_OBJECT_OF = {
    "auth.group": "group",
    "axes.accessattempt": "access_attempt",
    "axes.accesslog": "access_log",
    "axes.accessfailurelog": "access_failure",
    "accounts.user": "member_a.user",
    "accounts.accesstoken": "token",
    "privacy.erasurerequest": "erasure_request",
    "members.member": "member_a",
    "members.fitnessgoal": "goal",
    "members.healthmetric": "metric",
    "trainers.trainer": "trainer",
    "trainers.traineravailability": "window",
    "trainers.weeklyslot": "slot",
    "trainers.timeoff": "time_off",
    "operations.adminstaff": "staff",
    "operations.room": "room",
    "operations.equipment": "equipment",
    "operations.maintenancerecord": "maintenance",
    "operations.booking": "booking",
    "operations.groupclass": "registration.group_class",
    "operations.classregistration": "registration",
    "operations.personaltrainingsession": "session",
    "billing.membershipplan": "plan",
    "billing.membership": "membership",
    "billing.membershipfreeze": "freeze",
    "billing.classpack": "class_pack",
    "billing.creditpack": "credit_pack",
    "billing.invoice": "invoice",
    "billing.invoiceline": "line",
    "billing.payment": "payment",
    "billing.billingrun": "billing_run",
    "webhooks.webhookendpoint": "webhook_delivery.endpoint",
    "webhooks.webhookdelivery": "webhook_delivery",
    "procrastinate.procrastinatejob": "failed_job",
    "jobs.failedjob": "failed_job",
    "frontdesk.visit": "visit",
    "frontdesk.staffnote": "staff_note",
    "audit.auditevent": "audit_event",
}
ADMIN_ROUTE = re.compile(r"^admin/(\w+)/(\w+)/")


def url_values(pattern: Pattern, world: dict) -> dict[str, str]:
    """The values of the pattern's parameters: the ids of the objects it names."""
    values = {}
    if pattern.key in OBJECT_OF:
        values["pk"] = _dig(world, OBJECT_OF[pattern.key]).pk
    admin_model = ADMIN_ROUTE.match(pattern.route)
    if admin_model and f"{admin_model[1]}.{admin_model[2]}" in ADMIN_OBJECT_OF:
        values["object_id"] = _dig(world, ADMIN_OBJECT_OF[f"{admin_model[1]}.{admin_model[2]}"]).pk
    values.setdefault("object_id", world["member_a"].pk)  # with Member's content type: view on site
    values["id"] = world["member_a"].user.pk  # a user's password page
    values["member_id"] = world["member_a"].pk  # the front desk's member pages
    values["plan"] = world["plan"].pk  # joining or changing to a plan
    values["app_label"] = "members"
    values["url"] = "no-such-page/"
    member_a = world["people"]["member_a"]
    values["uidb64"] = urlsafe_base64_encode(force_bytes(member_a.pk))
    values["token"] = "made-up-token"
    assert default_token_generator.check_token(member_a, values["token"]) is False
    values["content_type_id"] = ContentType.objects.get_for_model(world["member_a"]).pk
    return values


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------


def test_every_url_pattern_has_an_entry():
    keys = [pattern.key for pattern in url_patterns()]

    missing = [key for key in keys if key not in ACCESS]
    stale = [key for key in ACCESS if key not in keys]

    assert missing == [], f"URL patterns without an entry in the access matrix: {missing}"
    assert stale == [], f"access matrix entries for URLs that no longer exist: {stale}"
    assert len(keys) == len(set(keys)), "two URL patterns share a name"


def _same_route(resolved: str, route: str) -> bool:
    return resolved.replace("^", "") == route.replace("^", "")


def _request(session_key: str | None, method: str, path: str) -> tuple[str, str]:
    """The outcome of one cell, and the answer's Cache-Control header."""
    # A new browser with the persona's session each time, and a savepoint per cell: a POST that books,
    # cancels, deletes or signs out leaves the world (and the session) as it was.
    client = Client()
    if session_key is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    with transaction.atomic():
        response = client.get(path) if method == "GET" else client.post(path)
        transaction.set_rollback(True)
    return outcome_of(response), response.get("Cache-Control", "")


def _kept_by_a_cache(cache_control: str) -> bool:
    directives = {directive.strip() for directive in cache_control.split(",")}
    return not {"no-store", "private"} <= directives


def _table(rows: list[tuple[str, str, str, str]]) -> str:
    header = f"{'persona':<12} {'method':<6} {'expected':<28} actual"
    return "\n".join([header] + [f"{p:<12} {m:<6} {e:<28} {a}" for p, m, e, a in rows])


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", url_patterns(), ids=lambda pattern: pattern.key)
def test_access(world, pattern):
    access = ACCESS[pattern.key]
    path = fill(pattern.route, url_values(pattern, world))
    assert _same_route(resolve(path).route, pattern.route), f"{path} does not reach {pattern.route}"
    wrong, cached = [], []
    for persona in PERSONAS:
        for method, expected in (("GET", access.get[persona]), ("POST", access.post[persona])):
            actual, cache_control = _request(world["sessions"][persona], method, path)
            if actual != expected:
                wrong.append((persona, method, expected, actual))
            # Whatever a signed-in person is shown is theirs: no shared cache (nor the browser's disk) keeps it.
            if world["sessions"][persona] is not None and _kept_by_a_cache(cache_control):
                cached.append((persona, method, cache_control))

    assert wrong == [], f"{path}\n{_table(wrong)}"
    assert cached == [], f"{path}: a personal answer a cache may keep: {cached}"
