"""Values every template may show."""

from django.conf import settings

from clubsite.accounts.roles import is_member, is_trainer


def club(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "club_name": settings.CLUB_NAME,
        # Which portal links the header offers; a person may hold several roles.
        "nav_member": signed_in and is_member(user),
        "nav_trainer": signed_in and is_trainer(user),
    }
