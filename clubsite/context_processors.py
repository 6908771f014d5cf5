"""Values every template may show."""

from django.conf import settings


def club(request):
    return {"club_name": settings.CLUB_NAME}
