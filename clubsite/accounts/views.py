"""Where a person lands after signing in: the portal of their role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from .roles import is_member, is_staff_member, is_trainer

NO_ROLE = "Your account has no member, trainer or staff profile yet; please ask at the front desk."


@login_required
def landing(request):
    # A trainer who is also a member works from the trainer portal; the header links to both.
    user = request.user
    if is_trainer(user):
        return redirect("trainers:schedule")
    if is_member(user):
        return redirect("members:dashboard")
    if is_staff_member(user):
        return redirect("admin:index")
    messages.info(request, NO_ROLE)
    return redirect("home")
