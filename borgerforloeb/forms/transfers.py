"""Transfers between municipalities: starting one (with the consent, if it must be recorded now),
accepting and declining."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from borgerforloeb.forms.consents import DEFAULT_CONSENT_TEXT
from borgerforloeb.forms.fields import DATE_INPUT, DATETIME_FORMATS, DATETIME_INPUT, PersonChoiceField
from borgerforloeb.models import Consent, Language, TransferPart
from samarbejde.models import Membership, Municipality

CONSENT_FIELDS = {
    "consent_information_kinds": "information_kinds",
    "consent_text_shown": "text_shown",
    "consent_language": "language",
    "consent_given_how": "given_how",
    "consent_witness": "witness",
    "consent_interpreter_name": "interpreter_name",
    "consent_valid_until": "valid_until",
}


class TransferStartForm(forms.Form):
    to_municipality = forms.ModelChoiceField(
        label=_("Modtagende kommune"),
        queryset=Municipality.objects.none(),
        error_messages={"required": _("Vælg den kommune, borgeren flytter til.")},
    )
    move_date = forms.DateField(
        label=_("Flyttedato"),
        widget=DATE_INPUT,
        error_messages={"required": _("Skriv hvornår borgeren flytter.")},
    )
    parts = forms.MultipleChoiceField(
        label=_("Det der overdrages"),
        choices=TransferPart.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Det, der ikke vælges, følger ikke med: det gemmes kun i overdragelsens arkiv hos jer "
            "og fjernes fra forløbet, når den modtagende kommune tager imod."
        ),
    )
    message = forms.CharField(
        label=_("Besked til den modtagende kommune"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skriv ikke CPR-nummer. Beskeden ses af kommunens sagsbehandlere før de tager imod."),
    )
    sender_stays = forms.BooleanField(
        label=_("Tovholderen fortsætter som deltager efter flytningen"),
        required=False,
        help_text=_("Kræver at borgerens samtykke dækker tovholderen eller dennes organisation."),
    )
    record_consent = forms.BooleanField(
        label=_("Registrér borgerens samtykke til den modtagende kommune nu"),
        required=False,
        help_text=_("Nødvendigt, hvis borgerens samtykke ikke allerede dækker den modtagende kommune."),
    )
    consent_information_kinds = forms.MultipleChoiceField(
        label=_("Oplysninger der må deles"),
        choices=Consent.InformationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_text_shown = forms.CharField(
        label=_("Teksten borgeren fik forelagt"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=DEFAULT_CONSENT_TEXT,
    )
    consent_language = forms.ChoiceField(label=_("Sprog"), choices=Language.choices, required=False)
    consent_given_how = forms.ChoiceField(
        label=_("Sådan gav borgeren samtykket"),
        choices=[("", "---------"), *Consent.GivenHow.choices],
        required=False,
    )
    consent_witness = forms.CharField(label=_("Vidne"), required=False, max_length=200)
    consent_interpreter_name = forms.CharField(label=_("Tolk"), required=False, max_length=200)
    consent_valid_until = forms.DateField(label=_("Samtykket gælder til"), widget=DATE_INPUT, required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_municipality"].queryset = Municipality.objects.exclude(pk=case.municipality_id)
        self.initial.setdefault("parts", list(TransferPart.values))
        self.initial.setdefault("consent_language", case.citizen.preferred_language)
        self.initial.setdefault(
            "consent_information_kinds", [Consent.InformationKind.BASIC, Consent.InformationKind.SITUATION]
        )

    @property
    def transfer_fields(self):
        return [self[name] for name in self.fields if not name.startswith("consent_")]

    @property
    def consent_fields(self):
        return [self[name] for name in CONSENT_FIELDS]

    def clean(self):
        data = super().clean()
        if not data.get("record_consent"):
            data["new_consent"] = None
            return data
        how = data.get("consent_given_how")
        if not how:
            self.add_error("consent_given_how", _("Vælg hvordan borgeren gav samtykket."))
        if not data.get("consent_information_kinds"):
            self.add_error("consent_information_kinds", _("Vælg mindst én slags oplysninger."))
        if not (data.get("consent_text_shown") or "").strip():
            self.add_error("consent_text_shown", _("Skriv den tekst, borgeren fik forelagt."))
        if how == Consent.GivenHow.ORAL_WITNESS and not (data.get("consent_witness") or "").strip():
            self.add_error("consent_witness", _("Et mundtligt samtykke kræver et vidne."))
        if how == Consent.GivenHow.INTERPRETER and not (data.get("consent_interpreter_name") or "").strip():
            self.add_error("consent_interpreter_name", _("Skriv navnet på tolken."))
        until = data.get("consent_valid_until")
        if until and until < timezone.localdate():
            self.add_error("consent_valid_until", _("Slutdatoen skal ligge efter startdatoen."))
        data["new_consent"] = {service: data.get(field) for field, service in CONSENT_FIELDS.items()}
        data["new_consent"]["language"] = data["new_consent"]["language"] or Language.DANISH
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "to_municipality": data["to_municipality"],
            "move_date": data["move_date"],
            "parts": data["parts"],
            "message": data["message"],
            "sender_stays": data["sender_stays"],
            "new_consent": data["new_consent"],
        }


def receiving_staff(municipality):
    """Who may become coordinator in the receiving municipality: active members of its active
    organisations."""
    User = get_user_model()
    members = Membership.objects.filter(
        organisation__municipality=municipality, organisation__archived_at__isnull=True
    ).values("user_id")
    return User.objects.filter(is_active=True, pk__in=members).order_by("full_name", "pk")


class AcceptTransferForm(forms.Form):
    new_coordinator = PersonChoiceField(
        label=_("Ny tovholder"),
        queryset=None,
        required=False,
        empty_label=_("Jeg bliver selv tovholder"),
    )
    meeting_at = forms.DateTimeField(
        label=_("Forslag til fælles overdragelsesmøde"),
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
        help_text=_("Med borgeren, begge tovholdere og tolk, hvis borgeren ønsker det."),
        error_messages={"required": _("Vælg et tidspunkt for overdragelsesmødet.")},
    )

    def __init__(self, *args, transfer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_coordinator"].queryset = receiving_staff(transfer.to_municipality_id)


class DeclineTransferForm(forms.Form):
    reason = forms.CharField(
        label=_("Begrundelse for afvisning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Skriv hvorfor overdragelsen afvises.")},
    )
