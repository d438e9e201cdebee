"""Attention point and decision forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from borgerforloeb.forms.fields import DATE_INPUT
from borgerforloeb.models import AttentionPoint


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
