"""How the site shows dates and times in British English: a 24-hour clock, day month year."""

from django.conf.locale.en_GB.formats import *  # type: ignore[import-untyped]  # noqa: F403

DATE_FORMAT = "j M Y"  # 24 Nov 2026
TIME_FORMAT = "H:i"  # 07:00
DATETIME_FORMAT = "j M Y, H:i"  # 24 Nov 2026, 07:00
SHORT_DATE_FORMAT = "d/m/Y"  # 24/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 24/11/2026 07:00
