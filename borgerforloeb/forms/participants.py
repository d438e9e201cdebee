"""The participant form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from borgerforloeb.forms.fields import NOT_A_MEMBER, PersonChoiceField, people, person_organisation_field
from borgerforloeb.models import Participant


class ParticipantForm(forms.Form):
    user = PersonChoiceField(
        label=_("Person med login"),
        queryset=None,
        required=False,
        help_text=_("Eller skriv et navn herunder."),
    )
    name = forms.CharField(
        label=_("Navn (person uden login)"), required=False, max_length=200, help_text=_("Fx en pårørende.")
    )
    organisation = person_organisation_field()
    role = forms.ChoiceField(label=_("Rolle"), choices=Participant.Role.choices)
    responsibility = forms.CharField(
        label=_("Ansvar i forløbet"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people(user, case)

    def clean(self):
        data = super().clean()
        person, organisation = data.get("user"), data.get("organisation")
        if not person and not (data.get("name") or "").strip():
            self.add_error("user", _("Vælg en person eller skriv et navn."))
        if person and organisation and not person.memberships.filter(organisation=organisation).exists():
            self.add_error("organisation", NOT_A_MEMBER)
        return data
