from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("Forkert e-mail eller adgangskode. Bemærk store og små bogstaver i adgangskoden."),
        "inactive": _("Denne konto er deaktiveret."),
    }


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: beside the field when it names one of the
    form's fields, otherwise at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class SecondFactorForm(forms.Form):
    """One code: six digits from the authenticator app, or (when ``recovery``) a recovery code."""

    code = forms.CharField(
        label=_("Kode"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, recovery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery:
            self.fields["code"].help_text = _(
                "De 6 cifre fra godkenderappen, eller en af dine gendannelseskoder (8 tegn)."
            )
        else:
            self.fields["code"].help_text = _("De 6 cifre, som godkenderappen viser nu.")
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
