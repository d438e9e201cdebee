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
