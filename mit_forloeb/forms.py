"""Forms of Mit forløb: plain Danish labels and messages next to the field."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Din kode (6 tal)"),
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^[0-9]{6}$", _("Koden er 6 tal."))],
        error_messages={
            "required": _("Skriv koden, du har fået af din tovholder."),
            "min_length": _("Koden er 6 tal."),
            "max_length": _("Koden er 6 tal."),
        },
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )


def citizen_text(label, required):
    """The citizen's own words, at most 2000 characters; ``required``: what to say when empty."""
    return forms.CharField(
        label=label,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": required, "max_length": _("Skriv højst %(limit_value)d tegn.")},
    )


class CitizenTextForm(forms.Form):
    """A form of the citizen's words in ``text``: words of only spaces count as none."""

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(self.fields["text"].error_messages["required"])
        return text


class ChangeRequestForm(CitizenTextForm):
    text = citizen_text(_("Hvad vil du gerne have ændret?"), _("Skriv, hvad du gerne vil have ændret."))


class AcceptPlanForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class AccessQuestionForm(CitizenTextForm):
    text = citizen_text(_("Hvad vil du gerne vide om denne adgang?"), _("Skriv dit spørgsmål."))
