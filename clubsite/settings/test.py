"""Tests: the same real PostgreSQL and migrations as production, fast hashing, mail kept in memory."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A worker process started by a test (clubsite.testing.worker) sends through SMTP to that test's server.
EMAIL_BACKEND = env("CLUBSITE_TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Quiet, except in a worker process started by a test: its log is shown when the test fails.
if not env.bool("CLUBSITE_TEST_LOGGING", default=False):
    LOGGING = {"version": 1, "disable_existing_loggers": False}
# The suite makes thousands of API calls from one address and a few users: throttling is tested on its own
# (clubsite/tests/test_api_errors.py lowers the rate there), never met by accident.
CLUB_API_RATE = "100000/min"
CLUB_API_ANON_RATE = "100000/min"
# The webhook tests post to a receiver of their own on 127.0.0.1 (a test refuses private addresses by turning
# this off with override_settings).
CLUB_WEBHOOKS_ALLOW_PRIVATE = True
