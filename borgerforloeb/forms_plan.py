"""Forms for the plan, efforts, referrals, meetings, attention points and decisions.

Danish messages beside the field; a re-shown form keeps what the user typed.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from borgerforloeb.forms import DATE_INPUT, PersonChoiceField
from borgerforloeb.models import (
    AttentionPoint,
    CoordinatorAssignment,
    Effort,
    Participant,
    PlanAcceptance,
)
from samarbejde.models import Organisation
from tilbud.models import Offer

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"]


def case_people(case):
    """People with a login in the case: the active coordinator and active participants."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(pk__in=Participant.objects.filter(case=case, active=True, user__isnull=False).values("user_id"))
            | Q(
                pk__in=CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True).values(
                    "person_id"
                )
            )
        )
        .order_by("full_name")
    )


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


# --- Plan ------------------------------------------------------------------------------------


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
        label=_("Mål med borgerens egne ord"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    who_helps = forms.CharField(label=_("Hvem hjælper"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if (data.get("who_helps") or "").strip() and not (data.get("text") or "").strip():
            self.add_error("text", _("Skriv målet med borgerens egne ord, eller fjern hvem der hjælper."))
        return data


GoalFormSet = forms.formset_factory(GoalForm, extra=2, can_delete=True)


class AcceptPlanForm(forms.Form):
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

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["participants"].queryset = case_people(case)

    def clean(self):
        data = super().clean()
        if (
            data.get("citizen_participation") == PlanAcceptance.CitizenParticipation.INTERPRETER
            and not (data.get("interpreter_name") or "").strip()
        ):
            self.add_error("interpreter_name", _("Skriv tolkens navn, når borgeren deltog med tolk."))
        return data


# --- Efforts -------------------------------------------------------------------------------------


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} – {obj.organisation.name}"


class EffortForm(forms.Form):
    title = forms.CharField(
        label=_("Indsats"), max_length=200, error_messages={"required": _("Skriv hvad indsatsen er.")}
    )
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    offer = OfferChoiceField(
        label=_("Tilbud"),
        queryset=Offer.objects.none(),
        required=False,
        help_text=_("Vælg et tilbud fra tilbudsoversigten, hvis indsatsen er en henvisning."),
    )
    receiving_organisation = forms.ModelChoiceField(
        label=_("Modtagende organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Udfyldes automatisk med tilbuddets organisation."),
    )
    responsible = PersonChoiceField(
        label=_("Ansvarlig"),
        queryset=get_user_model().objects.none(),
        error_messages={"required": _("Vælg én ansvarlig person.")},
    )
    status = forms.ChoiceField(label=_("Status"), choices=Effort.Status.choices)
    decline_reason = forms.CharField(
        label=_("Begrundelse for afvisning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    start_date = forms.DateField(label=_("Startdato"), required=False, widget=DATE_INPUT)
    end_date = forms.DateField(label=_("Slutdato"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = (
            Offer.objects.listed()
            .filter(organisation__archived_at__isnull=True)
            .select_related("organisation")
            .order_by("name")
        )
        self.fields["receiving_organisation"].queryset = Organisation.objects.filter(
            archived_at__isnull=True
        ).order_by("name")
        if case is not None:
            self.fields["responsible"].queryset = case_people(case)

    def clean(self):
        data = super().clean()
        if data.get("status") == Effort.Status.DECLINED and not (data.get("decline_reason") or "").strip():
            self.add_error("decline_reason", _("Skriv hvorfor indsatsen er afvist."))
        if data.get("status") == Effort.Status.REFERRED and not (
            data.get("offer") or data.get("receiving_organisation")
        ):
            self.add_error(
                "receiving_organisation",
                _("En henvisning skal have et tilbud eller en modtagende organisation."),
            )
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Slutdatoen skal ligge efter startdatoen."))
        return data


class ReferralAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Svar"),
        choices=[("accept", _("Accepter henvisningen")), ("decline", _("Afvis henvisningen"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg om I accepterer eller afviser.")},
    )
    reason = forms.CharField(
        label=_("Begrundelse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skal udfyldes, hvis henvisningen afvises."),
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Skriv hvorfor henvisningen afvises."))
        return data


# --- Meetings ----------------------------------------------------------------------------------


class MeetingForm(forms.Form):
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
    participants = PersonMultipleChoiceField(
        label=_("Deltagere"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interpreter_needed = forms.BooleanField(label=_("Tolk nødvendig"), required=False)
    interpreter_language = forms.CharField(label=_("Tolkesprog"), required=False, max_length=100)
    interpreter_booked = forms.BooleanField(label=_("Tolk bestilt"), required=False)
    interpreter_name = forms.CharField(label=_("Tolkens navn"), required=False, max_length=200)
    agenda = forms.CharField(label=_("Dagsorden"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["participants"].queryset = case_people(case)

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


class MinutesTaskForm(forms.Form):
    title = forms.CharField(label=_("Opgave"), required=False, max_length=200)
    responsible = PersonChoiceField(
        label=_("Ansvarlig"), queryset=get_user_model().objects.none(), required=False
    )
    due_date = forms.DateField(label=_("Frist"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["responsible"].queryset = case_people(case)

    def clean(self):
        data = super().clean()
        if (data.get("title") or "").strip() and not data.get("responsible"):
            self.add_error("responsible", _("En opgave skal have præcis én ansvarlig."))
        return data


MinutesDecisionFormSet = forms.formset_factory(MinutesDecisionForm, extra=1)
MinutesTaskFormSet = forms.formset_factory(MinutesTaskForm, extra=2)


# --- Attention points and decisions ----------------------------------------------------------


class AttentionPointForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=AttentionPoint.Status.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


AttentionPointFormSet = forms.formset_factory(AttentionPointForm, extra=0)


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Beslutning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv hvad der blev besluttet.")},
    )
    decided_by = forms.CharField(
        label=_("Besluttet af"),
        max_length=300,
        error_messages={"required": _("Skriv hvem der traf beslutningen.")},
    )
    decided_on = forms.DateField(label=_("Dato"), widget=DATE_INPUT)
    citizen_involvement = forms.CharField(
        label=_("Sådan var borgeren involveret"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Skal udfyldes: hvordan deltog borgeren i beslutningen?"),
        error_messages={"required": _("Skriv hvordan borgeren var involveret i beslutningen.")},
    )
    shared_with_citizen = forms.BooleanField(label=_("Delt med borgeren"), required=False)

    def clean_citizen_involvement(self):
        value = (self.cleaned_data.get("citizen_involvement") or "").strip()
        if not value:
            raise forms.ValidationError(_("Skriv hvordan borgeren var involveret i beslutningen."))
        return value
