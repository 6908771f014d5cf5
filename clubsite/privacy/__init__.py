"""A member's rights over their data (GDPR): the export, erasure on request, the privacy page, inactive accounts.

A door-level app: it reads every app's tables (the export) and calls their services (erasure ends the
person's sign-in, deletes their metrics by the sanctioned path), so it sits with the portals in the layers.
"""
