"""The front desk's pages, under the staff site (/admin/desk/): the check-in box with today's arrivals, a member's
visits, and the staff member page. Each parses what was typed, calls the front desk's service or selectors, and
shows a refusal where it was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import site
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from clubsite.core.clock import club_today
from clubsite.core.errors import ClubError
from clubsite.core.forms import add_club_error
from clubsite.pagination import paginate
from members.models import Member

from .errors import FrontDeskError
from .models import ADD_NOTE, CHECK_IN, NOTE_MAX_LENGTH, VIEW_NOTES, VIEW_VISITS, Visit
from .selectors import desk_card, find_exact, find_members, member_overview, member_visits, todays_arrivals
from .services import note_add, visit_record

ARRIVALS_PER_PAGE = 25
VISITS_PER_PAGE = 50


class DeskForm(forms.Form):
    """The one box: a scanned card code, a member number or a name; or the member picked from the matches."""

    query = forms.CharField(
        label="Scan a card, or type a member number or a name",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}),
    )
    member = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note (staff only)", max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


def _require(request: HttpRequest, *permissions: str) -> None:
    # clubsite.frontdesk.models holds who may do what at the desk (the role table grants them).
    if not request.user.has_perms(permissions):
        raise PermissionDenied


def _member_or_404(member_id: int) -> Member:
    member = Member.objects.select_related("user").filter(pk=member_id).first()
    if member is None:
        raise Http404("No such member.")
    return member


def desk_view(request: HttpRequest) -> HttpResponse:
    """GET: the box and today's arrivals. POST: check in the member the box names exactly (or the one picked
    from the matches), or list the members a name matches."""
    _require(request, VIEW_VISITS)
    context: dict[str, Any] = {"card": None, "matches": None, "repeated": False}
    form = DeskForm()
    if request.method == "POST":
        _require(request, CHECK_IN)
        form = DeskForm(request.POST)
        if form.is_valid():
            try:
                outcome = _check_in(request, form.cleaned_data["query"].strip(), form.cleaned_data["member"])
            except ClubError as error:
                add_club_error(form, error)
            else:
                if isinstance(outcome, list):
                    context["matches"] = outcome
                else:
                    context.update(outcome)
                    form = DeskForm()  # ready for the next person
    today = club_today()
    page = paginate(request, todays_arrivals(day=today), per_page=ARRIVALS_PER_PAGE)
    context.update(
        {
            **site.each_context(request),
            "title": "Front desk",
            "form": form,
            "today": today,
            "page_obj": page,
            "arrivals": list(page.object_list),
            "may_check_in": request.user.has_perm(CHECK_IN),
            "may_see_members": request.user.has_perm(VIEW_NOTES),
        }
    )
    return TemplateResponse(request, "frontdesk/desk.html", context)


def _check_in(request: HttpRequest, query: str, member_id: int | None) -> dict[str, Any] | list[Member]:
    """The check-in's desk card, or the members a name matches (none: refused with the box's message)."""
    if member_id is not None:
        member = Member.objects.select_related("user").filter(pk=member_id).first()
        if member is None:
            raise FrontDeskError("member_not_found")
        method: str = Visit.Method.NAME
    else:
        if not query:
            raise FrontDeskError("query_required")
        found = find_exact(query)
        if found is None:
            matches = find_members(query)
            if not matches:
                raise FrontDeskError("no_match", query=query)
            return matches
        member, method = found.member, found.method
    checkin = visit_record(member=member, by=request.user, method=method)  # type: ignore[arg-type]
    card = desk_card(member=member, today=club_today(), visit=checkin.visit, marked=checkin.marked)
    return {"card": card, "repeated": checkin.repeated}


def member_visits_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """One member's visits, latest first."""
    _require(request, VIEW_VISITS)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    member = _member_or_404(member_id)
    page = paginate(request, member_visits(member=member), per_page=VISITS_PER_PAGE)
    context = {
        **site.each_context(request),
        "title": f"Visits of {member.full_name}",
        "subject": member,
        "page_obj": page,
        "visits": list(page.object_list),
        "may_see_members": request.user.has_perm(VIEW_NOTES),
    }
    return TemplateResponse(request, "frontdesk/member_visits.html", context)


def member_page_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """The staff member page: everything about one member at a glance, and the staff-only notes."""
    _require(request, VIEW_NOTES)
    member = _member_or_404(member_id)
    form = NoteForm()
    if request.method == "POST":
        _require(request, ADD_NOTE)
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                note_add(member=member, author=request.user, text=form.cleaned_data["text"])  # type: ignore[arg-type]
            except ClubError as error:
                add_club_error(form, error)
            else:
                messages.success(request, "Note added.")
                return redirect("frontdesk:member", member_id=member.pk)
    context = {
        **site.each_context(request),
        "title": member.full_name,
        "overview": member_overview(member=member, today=club_today()),
        "subject": member,
        "note_form": form,
        "may_add_note": request.user.has_perm(ADD_NOTE),
        "may_view_visits": request.user.has_perm(VIEW_VISITS),
        "may_change_member": request.user.has_perm("members.change_member"),
    }
    return TemplateResponse(request, "frontdesk/member.html", context)
