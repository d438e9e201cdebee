"""Recording and withdrawing consent."""

from __future__ import annotations

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from borgerforloeb.forms.fields import DATE_INPUT, people
from borgerforloeb.models import Consent, Language
from samarbejde.models import Organisation

DEFAULT_CONSENT_TEXT = _(
    "Jeg giver samtykke til, at de nævnte organisationer og personer må udveksle de nævnte "
    "oplysninger om mig, så de kan hjælpe mig sammen. Jeg kan trække samtykket tilbage når som helst."
)


class ConsentForm(forms.Form):
    """Record a consent: specific (who, which information), informed (the text, in which
    language), given how, valid until a date."""

    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisationer der er omfattet"),
        queryset=Organisation.objects.active().select_related("municipality"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    persons = forms.ModelMultipleChoiceField(
        label=_("Personer der er omfattet"), queryset=None, required=False
    )
    information_kinds = forms.MultipleChoiceField(
        label=_("Oplysninger der må deles"),
        choices=Consent.InformationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vælg mindst én slags oplysninger.")},
    )
    only_this_case = forms.BooleanField(
        label=_("Gælder kun dette forløb"),
        required=False,
        initial=True,
        help_text=_("Uden flueben gælder samtykket alle borgerens forløb."),
    )
    text_shown = forms.CharField(
        label=_("Teksten borgeren fik forelagt"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial=DEFAULT_CONSENT_TEXT,
        error_messages={"required": _("Skriv den tekst, borgeren fik forelagt.")},
    )
    language = forms.ChoiceField(label=_("Sprog"), choices=Language.choices)
    given_how = forms.ChoiceField(label=_("Givet hvordan"), choices=Consent.GivenHow.choices)
    witness = forms.CharField(label=_("Vidne"), required=False, max_length=200)
    interpreter_name = forms.CharField(label=_("Tolk"), required=False, max_length=200)
    valid_from = forms.DateField(label=_("Gyldigt fra"), widget=DATE_INPUT)
    valid_until = forms.DateField(
        label=_("Gyldigt til"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Et samtykke bør have en slutdato; fx et år frem."),
    )

    def __init__(self, *args, user=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = people(user, case)
        self.fields["persons"].widget.attrs["size"] = 6
        # The text is put to the citizen in their own language when it is translated (kalaallisut).
        language = getattr(getattr(case, "citizen", None), "preferred_language", None)
        if language == Language.GREENLANDIC and not self.is_bound:
            with translation.override(language):
                self.initial.setdefault("text_shown", str(DEFAULT_CONSENT_TEXT))
            self.initial.setdefault("language", language)

    def clean(self):
        data = super().clean()
        if not data.get("organisations") and not data.get("persons"):
            self.add_error("organisations", _("Vælg mindst én organisation eller person."))
        how = data.get("given_how")
        if how == Consent.GivenHow.ORAL_WITNESS and not (data.get("witness") or "").strip():
            self.add_error("witness", _("Et mundtligt samtykke kræver et vidne."))
        if how == Consent.GivenHow.INTERPRETER and not (data.get("interpreter_name") or "").strip():
            self.add_error("interpreter_name", _("Skriv navnet på tolken."))
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("Slutdatoen skal ligge efter startdatoen."))
        return data


class WithdrawConsentForm(forms.Form):
    note = forms.CharField(
        label=_("Bemærkning"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
