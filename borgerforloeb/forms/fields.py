"""Fields, widgets and choice sets the case forms share."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from borgerforloeb.models import CoordinatorAssignment, Participant, PlanAcceptance
from samarbejde.models import Municipality, Organisation

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def people(user, case=None):
    """The staff ``user`` may pick for a role (see ``selectors.people_for``)."""
    from borgerforloeb.selectors import people_for

    return people_for(user, case=case)


NOT_A_MEMBER = _("Personen er ikke medlem af den valgte organisation.")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.email})"


def municipalities_for(user):
    """Municipalities where the user may create citizens and cases."""
    from borgerforloeb.models import caseworker_municipalities

    if user.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(pk__in=caseworker_municipalities(user))


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"]


def case_people(case):
    """People with a login in the case: the active coordinator and active participants."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(pk__in=Participant.objects.filter(case=case, active=True, user__isnull=False).values("user_id"))
            | Q(pk__in=CoordinatorAssignment.objects.active().filter(case=case).values("person_id"))
        )
        .order_by("full_name")
    )


class CasePeopleForm(forms.Form):
    """A form whose ``case_people_fields`` offer the people in the case given as ``case``."""

    case_people_fields: tuple[str, ...] = ()

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            for name in self.case_people_fields:
                self.fields[name].queryset = case_people(case)


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


def people_checkboxes(label):
    """A choice of any number of people, as checkboxes (offered by ``CasePeopleForm``)."""
    return PersonMultipleChoiceField(
        label=label,
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def interpreter_name_field():
    return forms.CharField(label=_("Tolkens navn"), required=False, max_length=200)


def internal_note_field():
    return forms.CharField(
        label=_("Bemærkning (intern)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def citizen_participation_field():
    """How the citizen took part (the plan's acceptance, a version of the network map)."""
    return forms.ChoiceField(
        label=_("Sådan deltog borgeren"),
        choices=PlanAcceptance.CitizenParticipation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Angiv hvordan borgeren deltog.")},
    )


class CitizenParticipationForm(CasePeopleForm):
    """A case form with ``citizen_participation`` and ``interpreter_name``: the interpreter's name
    is required when the citizen took part with an interpreter."""

    def clean(self):
        data = super().clean()
        if (
            data.get("citizen_participation") == PlanAcceptance.CitizenParticipation.INTERPRETER
            and not (data.get("interpreter_name") or "").strip()
        ):
            self.add_error("interpreter_name", _("Skriv tolkens navn, når borgeren deltog med tolk."))
        return data


def person_organisation_field():
    """The organisation a person takes part for; left empty, their own."""
    return forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.active(),
        required=False,
        help_text=_("Tom: personens egen organisation."),
    )
