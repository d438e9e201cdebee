"""The task form."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from borgerforloeb.forms.fields import DATE_INPUT, PersonChoiceField


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Opgave"), max_length=200)
    responsible = PersonChoiceField(
        label=_("Ansvarlig"),
        queryset=None,
        help_text=_("Præcis én person har ansvaret for opgaven."),
        error_messages={"required": _("Vælg den ene person, der har ansvaret.")},
    )
    due_date = forms.DateField(label=_("Frist"), required=False, widget=DATE_INPUT)
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        User = get_user_model()
        ids = set(case.participants.filter(active=True, user__isnull=False).values_list("user_id", flat=True))
        ids |= set(case.coordinator_assignments.active().values_list("person_id", flat=True))
        self.fields["responsible"].queryset = User.objects.filter(pk__in=ids, is_active=True).order_by(
            "full_name"
        )
