"""Plan version, goals and acceptance forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from borgerforloeb.forms.fields import DATE_INPUT, CasePeopleForm, PersonMultipleChoiceField
from borgerforloeb.models import PlanAcceptance


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


class AcceptPlanForm(CasePeopleForm):
    case_people_fields = ("participants",)
    participants = PersonMultipleChoiceField(
        label=_("Deltagere der har accepteret planen"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    citizen_participation = forms.ChoiceField(
        label=_("Sådan deltog borgeren"),
        choices=PlanAcceptance.CitizenParticipation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Angiv hvordan borgeren deltog.")},
    )
    interpreter_name = forms.CharField(label=_("Tolkens navn"), required=False, max_length=200)
    note = forms.CharField(
        label=_("Bemærkning (intern)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if (
            data.get("citizen_participation") == PlanAcceptance.CitizenParticipation.INTERPRETER
            and not (data.get("interpreter_name") or "").strip()
        ):
            self.add_error("interpreter_name", _("Skriv tolkens navn, når borgeren deltog med tolk."))
        return data
