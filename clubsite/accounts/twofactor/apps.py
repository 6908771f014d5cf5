from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "clubsite.accounts.twofactor"
    label = "twofactor"
    verbose_name = "Two-factor sign-in"

    def ready(self) -> None:
        # django-otp's device admins (registered when the admin discovered them, before this runs) would show
        # every person's TOTP key and recovery codes to whoever may view them; a person manages their own on the
        # Two-factor sign-in page, and a lost phone is met with a one-time code from
        # `manage.py addstatictoken <email>` (django-otp's command), with which they sign in and set up again.
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
