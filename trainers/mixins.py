"""Access to the trainer portal: signed-in people with an active trainer profile, nobody else."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from clubsite.accounts.roles import is_trainer

NOT_A_TRAINER = "The trainer portal is for the club's trainers."


class TrainerRequiredMixin(LoginRequiredMixin):
    """Anonymous visitors are sent to sign in; a signed-in person who is not a trainer gets 403.

    Sets ``self.trainer`` (the signed-in trainer) for the view, which limits every queryset to it.
    """

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not is_trainer(request.user):
            raise PermissionDenied(NOT_A_TRAINER)  # templates/403.html shows it, with a way back
        self.trainer = request.user.trainer
        return super().dispatch(request, *args, **kwargs)
