"""The reminder choices, as a member's profile and a mail's preferences link both show them."""

from django import forms


class ReminderForm(forms.Form):
    remind_classes = forms.BooleanField(
        label="Remind me before each class I have a place in", required=False
    )
    remind_pt_sessions = forms.BooleanField(
        label="Remind me before each personal training session", required=False
    )

    @staticmethod
    def initial_for(member: object) -> dict[str, bool]:
        return {
            "remind_classes": bool(getattr(member, "remind_classes", True)),
            "remind_pt_sessions": bool(getattr(member, "remind_pt_sessions", True)),
        }
