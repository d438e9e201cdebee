"""The network map's forms: a person on the map, and a version recorded with the citizen."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from borgerforloeb.forms.fields import (
    DATE_INPUT,
    NOT_A_MEMBER,
    CitizenParticipationForm,
    PersonChoiceField,
    citizen_participation_field,
    internal_note_field,
    interpreter_name_field,
    people,
    people_checkboxes,
)
from borgerforloeb.models import NetworkPerson
from borgerforloeb.services.network import PERSON_FIELDS
from samarbejde.models import Organisation


class NetworkPersonForm(forms.ModelForm):
    user = PersonChoiceField(
        label=_("Person med login (valgfrit)"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Vælg personen, hvis vedkommende har et login i portalen og kan blive deltager."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation (valgfrit)"), queryset=Organisation.objects.active(), required=False
    )

    class Meta:
        model = NetworkPerson
        fields = PERSON_FIELDS
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2}),
            "ring": forms.RadioSelect,
        }
        error_messages = {
            "name": {"required": _("Skriv personens navn.")},
            "kind": {"required": _("Vælg hvilken gruppe personen hører til.")},
        }

    def __init__(self, *args, user=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people(user, case)

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise forms.ValidationError(_("Skriv personens navn."))
        return name

    def clean(self):
        data = super().clean()
        person, organisation = data.get("user"), data.get("organisation")
        if person and organisation and not person.memberships.filter(organisation=organisation).exists():
            self.add_error("organisation", NOT_A_MEMBER)
        return data


class NetworkVersionForm(CitizenParticipationForm):
    case_people_fields = ("participants",)
    held_on = forms.DateField(label=_("Dato"), widget=DATE_INPUT)
    citizen_participation = citizen_participation_field()
    interpreter_name = interpreter_name_field()
    participants = people_checkboxes(_("Hvem deltog"))
    others_present = forms.CharField(
        label=_("Andre der deltog"), required=False, max_length=300, help_text=_("Fx pårørende uden login.")
    )
    note = internal_note_field()
