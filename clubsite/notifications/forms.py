"""The reminder choices, as a member's profile and a mail's preferences link both show them."""

from django import forms

from members.models import Member


class ReminderForm(forms.Form):
    remind_classes = forms.BooleanField(label="Remind me before each class I have a place in", required=False)
    remind_pt_sessions = forms.BooleanField(label="Remind me before each personal training session", required=False)

    @staticmethod
    def initial_for(member: Member) -> dict[str, bool]:
        return {"remind_classes": member.remind_classes, "remind_pt_sessions": member.remind_pt_sessions}
