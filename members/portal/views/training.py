"""Personal training for a member: their sessions, a trainer's free slots, booking, moving and cancelling."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from clubsite.core.clock import club_time, club_today
from clubsite.core.errors import ClubError
from clubsite.pagination import paginate
from members.models import Member
from members.portal.forms import (
    DURATION_CHOICES,
    ConfirmForm,
    PTBookForm,
    PTSessionForm,
    SlotForm,
    SlotSearchForm,
)
from members.portal.selectors import (
    SLOT_STEP,
    bookable_trainers,
    first_free_slot_day,
    member_upcoming_sessions,
    slot_search_day,
    usual_pt_room,
)
from members.templatetags.member_tags import money
from operations.models import PersonalTrainingSession, Room
from operations.selectors import pt_cutoff_hours, pt_within_cutoff, rooms_free, trainer_free_slots
from operations.services import (
    describe_booking,
    pt_session_book,
    pt_session_cancel,
    pt_session_price,
    pt_session_reschedule,
)
from trainers.models import Trainer

from ..mixins import MemberRequiredMixin
from .base import SLOT_ERRORS_ABOVE, ServiceFormView, settlement_note

# Free slots start every half hour, so a member is not tied to the trainer's on-the-hour grid.


class TrainingView(MemberRequiredMixin, TemplateView):
    template_name = "members/training.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, member_upcoming_sessions(member=self.member))
        for session in page:
            # Whether the member may still move or cancel it: operations' rule, asked once per session.
            session.within_cutoff = pt_within_cutoff(session.booking.start_time)
        context.update(
            page_obj=page,
            trainers=bookable_trainers(member=self.member),
            cutoff_hours=pt_cutoff_hours(),
        )
        return context


class SlotPickerView(ServiceFormView):
    """Two steps on one page: pick a free slot of the trainer on a day, then confirm where, at what price.

    Without ``start_time`` in the query string the page lists the free slots; with one (a slot's link, or
    a refused POST) it asks for the room and shows the price before the member commits.
    """

    template_name = "members/pt_slots.html"
    error_fields = SLOT_ERRORS_ABOVE
    action = ""

    @property
    def trainer(self) -> Trainer:
        raise NotImplementedError

    def moving_booking_id(self) -> int | None:
        return None

    def default_day(self, duration: datetime.timedelta) -> datetime.date:
        """The day the free times open on when none was asked for."""
        raise NotImplementedError

    @cached_property
    def chosen(self) -> tuple[datetime.datetime, datetime.datetime] | None:
        """The slot being confirmed (from the POST, or the slot link followed), or None while choosing."""
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        if "start_time" not in data:
            return None
        slot = SlotForm(data=data)
        return slot.span() if slot.is_valid() else None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.chosen is not None:
            start, end = self.chosen
            kwargs["rooms"] = rooms_free(start=start, end=end, exclude_booking_id=self.moving_booking_id())
        else:
            kwargs["rooms"] = Room.objects.none()
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        if self.chosen is not None:
            start, end = self.chosen
            initial.update(start_time=start.isoformat(), duration=int((end - start).total_seconds() // 60))
        return initial

    def _price(self, start: datetime.datetime, end: datetime.datetime):
        try:
            return pt_session_price(trainer=self.trainer, start_time=start, end_time=end)
        except ClubError:
            return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trainer = self.trainer
        context.update(trainer=trainer, action=self.action, chosen=self.chosen)
        if self.chosen is not None:
            start, end = self.chosen
            context.update(start=start, end=end, price=self._price(start, end))
        else:
            asked, duration = SlotSearchForm.from_query(self.request.GET)
            length = datetime.timedelta(minutes=duration)
            day = asked or self.default_day(length)
            context.update(
                search=SlotSearchForm(initial={"date": day, "duration": duration}),
                day=day,
                previous_day=day - datetime.timedelta(days=1),
                next_day=day + datetime.timedelta(days=1),
                today=club_today(),
                duration=duration,
                duration_label=dict(DURATION_CHOICES)[duration],
                slots=trainer_free_slots(trainer=trainer, day=day, duration=length, step=SLOT_STEP),
                slot_price=self._price(timezone.now(), timezone.now() + length),
            )
        return context


class SessionBookView(SlotPickerView):
    form_class = PTBookForm
    action = "book"

    @cached_property
    def trainer(self) -> Trainer:
        active = Trainer.objects.filter(is_active=True).select_related("user")
        return get_object_or_404(active, pk=self.kwargs["pk"])

    def get_initial(self):
        initial = super().get_initial()
        if self.chosen is not None:
            # The club's usual place for this trainer, not "online": most sessions are in the club.
            start, end = self.chosen
            rooms = rooms_free(start=start, end=end)
            initial["room"] = usual_pt_room(trainer=self.trainer, member=self.member, rooms=rooms)
        return initial

    def default_day(self, duration):
        # "See free times" opens where there is one to pick, not on a day the trainer has nothing free.
        return first_free_slot_day(trainer=self.trainer, duration=duration)

    def perform(self, form):
        start, end = form.span()
        session = pt_session_book(
            member=self.member,
            trainer=self.trainer,
            start_time=start,
            end_time=end,
            room=form.cleaned_data["room"],
            notes=form.cleaned_data["notes"],
        )
        messages.success(
            self.request, f"Booked: {describe_booking(session.booking)} with {self.trainer}, {money(session.price)}."
        )
        return redirect("members:training")


class OwnSessionMixin:
    """The session in the URL, if it is one of the signed-in member's; anyone else's is a 404."""

    member: Member  # set by MemberRequiredMixin
    kwargs: dict[str, Any]

    @cached_property
    def session(self) -> PersonalTrainingSession:
        own = PersonalTrainingSession.objects.filter(member=self.member).select_related(
            "booking__room", "booking__trainer__user"
        )
        return get_object_or_404(own, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            session=self.session,
            within_cutoff=pt_within_cutoff(self.session.booking.start_time),
            cutoff_hours=pt_cutoff_hours(),
        )
        return context


class SessionRescheduleView(OwnSessionMixin, SlotPickerView):
    form_class = PTSessionForm
    action = "reschedule"

    @property
    def trainer(self) -> Trainer:
        trainer = self.session.booking.trainer
        assert trainer is not None  # a PT session always has its trainer
        return trainer

    def moving_booking_id(self) -> int | None:
        return self.session.booking_id

    def default_day(self, duration):
        # A move is usually to another time the same day: open on the session's own day.
        return slot_search_day(club_time(self.session.booking.start_time).date())

    def get_initial(self):
        initial = super().get_initial()
        if self.chosen is not None:
            initial["room"] = self.session.booking.room_id
        return initial

    def perform(self, form):
        start, end = form.span()
        session = pt_session_reschedule(
            session=self.session, start_time=start, end_time=end, room=form.cleaned_data["room"], by_member=True
        )
        messages.success(
            self.request, f"Moved: {describe_booking(session.booking)} with {self.trainer}, {money(session.price)}."
        )
        return redirect("members:training")


class SessionCancelView(OwnSessionMixin, ServiceFormView):
    template_name = "members/pt_session_cancel.html"
    form_class = ConfirmForm

    def perform(self, form):
        session = self.session
        outcome = pt_session_cancel(session=session, by_member=True)
        messages.success(
            self.request,
            f"Cancelled: {describe_booking(session.booking)} with {self.trainer_name}.{settlement_note(outcome)}",
        )
        return redirect("members:training")

    @property
    def trainer_name(self) -> str:
        return str(self.session.booking.trainer)
