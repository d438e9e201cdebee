"""Fields, widgets and choice sets the case forms share."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from borgerforloeb.models import CoordinatorAssignment, Participant
from samarbejde.models import Municipality

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
