"""Two-factor sign-in with TOTP (django-otp): enrolment by QR code, recovery codes, the code step after the
password, a lockout after repeated wrong codes, and the gate that keeps required staff out of the back office
and the staff API until their second factor is confirmed. Who must use it: ``clubsite.accounts.roles``."""
