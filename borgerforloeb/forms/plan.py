"""Plan version, goals and acceptance forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from borgerforloeb.forms.fields import (
    DATE_INPUT,
    CitizenParticipationForm,
    citizen_participation_field,
    internal_note_field,
    interpreter_name_field,
    people_checkboxes,
)


class PlanVersionForm(forms.Form):
    purpose = forms.CharField(
        label=_("Formål"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hvad skal forløbet føre til for borgeren?"),
    )
    efforts = forms.CharField(label=_("Indsatser"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    expected_duration = forms.CharField(label=_("Forventet varighed"), required=False, max_length=200)
    other_matters = forms.CharField(
        label=_("Andre forhold"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_review = forms.DateField(
        label=_("Næste opfølgning"),
        widget=DATE_INPUT,
        help_text=_("Normalt seks måneder frem."),
        error_messages={
            "required": _("Angiv datoen for næste opfølgning."),
            "invalid": _("Skriv en gyldig dato."),
        },
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("Mål med borgerens egne ord"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    who_helps = forms.CharField(label=_("Hvem hjælper"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if (data.get("who_helps") or "").strip() and not (data.get("text") or "").strip():
            self.add_error("text", _("Skriv målet med borgerens egne ord, eller fjern hvem der hjælper."))
        return data


GoalFormSet = forms.formset_factory(GoalForm, extra=2, can_delete=True)


class AcceptPlanForm(CitizenParticipationForm):
    case_people_fields = ("participants",)
    participants = people_checkboxes(_("Deltagere der har accepteret planen"))
    citizen_participation = citizen_participation_field()
    interpreter_name = interpreter_name_field()
    note = internal_note_field()
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
