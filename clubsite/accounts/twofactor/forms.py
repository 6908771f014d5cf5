"""The one field of every two-factor step: a code, checked by the services (their refusal is shown under it)."""

from django import forms


class CodeForm(forms.Form):
    # No max_length: a code of any length reaches the service, which refuses it with its coded message (the
    # field's own "at most N characters" would be a second, uncoded wording).
    code = forms.CharField(
        label="Code",
        required=False,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        help_text="The 6 digits your authenticator app shows, or one of your recovery codes.",
    )


class AppCodeForm(CodeForm):
    """Enrolment: only the app's code confirms the new device."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6 digits your authenticator app shows for the club, now."
        self.fields["code"].widget.attrs["inputmode"] = "numeric"
