"""English without a country (a browser's "en"): the club's formats all the same."""

from clubsite.settings.formats.en_GB.formats import *  # noqa: F403
