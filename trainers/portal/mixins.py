"""Who may open the trainer portal: signed-in people with an active trainer profile."""

from __future__ import annotations

from django.http import HttpRequest

from clubsite.accounts.roles import is_trainer
from clubsite.portal import PortalRequiredMixin
from trainers.models import Trainer

NOT_A_TRAINER = "The trainer portal is for the club's trainers."


class TrainerRequiredMixin(PortalRequiredMixin):
    """Anonymous visitors are sent to sign in; a signed-in person who is not a trainer gets 403.

    Sets ``self.trainer`` (the signed-in trainer) for the view, which limits every queryset to it.
    """

    portal_role = is_trainer
    permission_denied_message = NOT_A_TRAINER

    trainer: Trainer

    def enter_portal(self, request: HttpRequest) -> None:
        self.trainer = request.user.trainer  # type: ignore[union-attr]
