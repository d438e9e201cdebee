"""Forms for opening a case, its coordinator, handover, status and the timeline filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from borgerforloeb.forms.fields import DATE_INPUT, PersonChoiceField, people, person_organisation_field
from borgerforloeb.models import Case, TimelineEvent
from samarbejde.models import Organisation


class CaseForm(forms.ModelForm):
    coordinator = PersonChoiceField(
        label=_("Tovholder"),
        queryset=None,
        required=False,
        help_text=_("Kan være en person fra enhver organisation med tæt kontakt til borgeren."),
    )
    coordinator_organisation = forms.ModelChoiceField(
        label=_("Tovholderens organisation"),
        queryset=Organisation.objects.active(),
        required=False,
        help_text=_("Tom: tovholderens egen organisation."),
    )

    class Meta:
        model = Case
        # No municipality field: a case is opened in the citizen's own municipality.
        fields = ["citizen", "start_date", "summary"]
        widgets = {"start_date": DATE_INPUT, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, citizens=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if citizens is not None:
            self.fields["citizen"].queryset = citizens
        self.fields["citizen"].help_text = _("Borgere i din egen kommune.")
        self.fields["coordinator"].queryset = people(user)


class AssignCoordinatorForm(forms.Form):
    person = PersonChoiceField(label=_("Tovholder"), queryset=None)
    organisation = person_organisation_field()
    reason = forms.CharField(label=_("Bemærkning"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people(user, case)


class HandoverForm(forms.Form):
    new_person = PersonChoiceField(label=_("Ny tovholder"), queryset=None)
    organisation = person_organisation_field()
    reason = forms.CharField(
        label=_("Hvorfor overdrages forløbet?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv hvorfor forløbet overdrages.")},
    )

    def __init__(self, *args, current=None, user=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = people(user, case)
        if current is not None:
            qs = qs.exclude(pk=current.pk)
        self.fields["new_person"].queryset = qs


class CloseCaseForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Case.Status.choices)
    closed_reason = forms.CharField(
        label=_("Begrundelse (ved afslutning)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == Case.Status.CLOSED and not (data.get("closed_reason") or "").strip():
            self.add_error("closed_reason", _("Skriv hvorfor forløbet afsluttes."))
        return data


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Vis"), choices=[("", _("Alle hændelser")), *TimelineEvent.Kind.choices], required=False
    )
