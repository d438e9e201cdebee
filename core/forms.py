from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect
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


def handle_post(request, form, action, *, success, redirect_to, also_valid=(), on_error=apply_errors):
    """The POST half of a form page: valid form -> service -> its errors on the form -> message ->
    redirect.

    On a POST where ``form`` (and every form or formset in ``also_valid``) is valid, calls
    ``action(form.cleaned_data)`` (the service). A ``ValidationError`` it raises goes to
    ``on_error(form, error)`` (by default ``apply_errors``), which may answer with a response of
    its own; otherwise the page renders again with the errors. On success it shows the
    ``success`` message and redirects to ``redirect_to`` (anything ``redirect`` takes, or a
    response). ``success`` and ``redirect_to`` may be callables given the action's result.

    Returns the response to send, or None when the view should render its page (a GET, an
    invalid form, a refused action).
    """
    if request.method != "POST" or not all(f.is_valid() for f in (form, *also_valid)):
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as error:
        return on_error(form, error)
    messages.success(request, success(result) if callable(success) else success)
    target = redirect_to(result) if callable(redirect_to) else redirect_to
    return target if isinstance(target, HttpResponseBase) else redirect(target)


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
