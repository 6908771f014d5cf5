"""The club's formats for dates and times, one style on every page (FORMAT_MODULE_PATH names this package).

With USE_I18N on, Django takes the active language's formats before the settings' DATE_FORMAT and the like, and
British English writes a time as "7 a.m.": the admin said "7 a.m." where the portal's templates said "07:00".
These modules keep the locale's ways of reading input and override how a date and a time are shown.
"""
