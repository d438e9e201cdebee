"""Meeting and minutes forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from borgerforloeb.forms.fields import (
    DATE_INPUT,
    DATETIME_FORMATS,
    DATETIME_INPUT,
    CasePeopleForm,
    PersonChoiceField,
    interpreter_name_field,
    people_checkboxes,
)


class MeetingForm(CasePeopleForm):
    case_people_fields = ("participants",)
    title = forms.CharField(label=_("Titel"), required=False, max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starter"),
        input_formats=DATETIME_FORMATS,
        widget=DATETIME_INPUT,
        help_text=_("Dansk tid."),
        error_messages={
            "required": _("Angiv hvornår mødet starter."),
            "invalid": _("Skriv dato og klokkeslæt."),
        },
    )
    ends_at = forms.DateTimeField(
        label=_("Slutter"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=DATETIME_INPUT,
        error_messages={"invalid": _("Skriv dato og klokkeslæt.")},
    )
    place = forms.CharField(label=_("Sted"), required=False, max_length=300)
    participants = people_checkboxes(_("Deltagere"))
    interpreter_needed = forms.BooleanField(label=_("Tolk nødvendig"), required=False)
    interpreter_language = forms.CharField(label=_("Tolkesprog"), required=False, max_length=100)
    interpreter_booked = forms.BooleanField(label=_("Tolk bestilt"), required=False)
    interpreter_name = interpreter_name_field()
    agenda = forms.CharField(label=_("Dagsorden"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("Mødet skal slutte efter det starter."))
        if data.get("interpreter_needed") and not (data.get("interpreter_language") or "").strip():
            self.add_error("interpreter_language", _("Angiv hvilket sprog tolken skal tolke til."))
        if data.get("interpreter_booked") and not data.get("interpreter_needed"):
            self.add_error("interpreter_needed", _("Markér at der er brug for tolk, når tolken er bestilt."))
        return data


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Referat"), required=False, widget=forms.Textarea(attrs={"rows": 6}))


class MinutesDecisionForm(forms.Form):
    text = forms.CharField(label=_("Beslutning"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    decided_by = forms.CharField(label=_("Besluttet af"), required=False, max_length=300)
    citizen_involvement = forms.CharField(
        label=_("Sådan var borgeren involveret"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    shared_with_citizen = forms.BooleanField(label=_("Delt med borgeren"), required=False)

    def clean(self):
        data = super().clean()
        if (data.get("text") or "").strip():
            if not (data.get("decided_by") or "").strip():
                self.add_error("decided_by", _("Skriv hvem der traf beslutningen."))
            if not (data.get("citizen_involvement") or "").strip():
                self.add_error(
                    "citizen_involvement", _("Skriv hvordan borgeren var involveret i beslutningen.")
                )
        return data


class MinutesTaskForm(CasePeopleForm):
    case_people_fields = ("responsible",)
    title = forms.CharField(label=_("Opgave"), required=False, max_length=200)
    responsible = PersonChoiceField(
        label=_("Ansvarlig"), queryset=get_user_model().objects.none(), required=False
    )
    due_date = forms.DateField(label=_("Frist"), required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        if (data.get("title") or "").strip() and not data.get("responsible"):
            self.add_error("responsible", _("En opgave skal have præcis én ansvarlig."))
        return data


MinutesDecisionFormSet = forms.formset_factory(MinutesDecisionForm, extra=1)


MinutesTaskFormSet = forms.formset_factory(MinutesTaskForm, extra=2)
