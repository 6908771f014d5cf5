"""What ``make run`` serves: the site as members and staff meet it, on this machine.

Django's debug pages are for a developer (``make dev``): a newcomer trying the product sees the designed 404
and 500 pages instead, and a failure's traceback goes to the console. With DEBUG off runserver serves no static
files; WhiteNoise does, straight from the apps' static folders (the storage is local.py's, without a manifest),
so no collectstatic is needed.
"""

from .local import *  # noqa: F403

DEBUG = False
WHITENOISE_USE_FINDERS = True
