"""Tests: the same real PostgreSQL and migrations as production, fast hashing, mail kept in memory."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The suite makes thousands of API calls from one address and a few users: throttling is tested on its own
# (clubsite/tests/test_api_errors.py lowers the rate there), never met by accident.
CLUB_API_RATE = "100000/min"
CLUB_API_ANON_RATE = "100000/min"
