"""Effort and referral answer forms."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from borgerforloeb.forms.fields import DATE_INPUT, PersonChoiceField, case_people
from borgerforloeb.models import Effort
from samarbejde.models import Organisation
from tilbud import picker
from tilbud.models import Offer


class OfferChoiceField(forms.ModelChoiceField):
    """An offer the user may see, chosen among the picker's few results (``tilbud.picker``);
    validation looks the chosen id up, it never lists the directory."""

    def label_from_instance(self, obj):
        return f"{obj.name} – {obj.organisation.name}"


def decline_kind_field(help_text):
    """The kind of reason a referral is declined for (the reports count it, never the text)."""
    return forms.ChoiceField(
        label=_("Årsag til afvisning"),
        required=False,
        choices=[("", _("Vælg årsag")), *Effort.DeclineKind.choices],
        help_text=help_text,
    )


class EffortForm(forms.Form):
    title = forms.CharField(
        label=_("Indsats"), max_length=200, error_messages={"required": _("Skriv hvad indsatsen er.")}
    )
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    offer_q = forms.CharField(label=_("Søg efter tilbud"), required=False, max_length=200)
    offer = OfferChoiceField(
        label=_("Tilbud"),
        queryset=Offer.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Vælg et tilbud fra søgningen.")},
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
    decline_reason_kind = decline_kind_field(
        _("Skal vælges, hvis indsatsen er afvist. Årsagen indgår i rapporterne.")
    )
    decline_reason = forms.CharField(
        label=_("Begrundelse for afvisning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    start_date = forms.DateField(label=_("Startdato"), required=False, widget=DATE_INPUT)
    end_date = forms.DateField(label=_("Slutdato"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, case=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = picker.pickable(user).select_related("organisation")
        self.fields["receiving_organisation"].queryset = Organisation.objects.filter(
            archived_at__isnull=True
        ).order_by("name")
        if case is not None:
            self.fields["responsible"].queryset = case_people(case)

    def clean(self):
        data = super().clean()
        if data.get("status") == Effort.Status.DECLINED and not data.get("decline_reason_kind"):
            self.add_error("decline_reason_kind", _("Vælg hvorfor indsatsen er afvist."))
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


def picker_context(form, user) -> dict:
    """What ``tilbud/_offer_picker.html`` shows: the search text, the chosen offer and the
    matches (the form's data when posted back, else its initial values)."""
    source = form.data if form.is_bound else form.initial
    q = (source.get("offer_q") or "").strip()
    selected = source.get("offer") or ""
    offers = picker.choose(user, q, uuid_or_none(selected))
    selected = str(selected) if any(str(o.pk) == str(selected) for o in offers) else ""
    return {
        "q": q,
        "selected": selected,
        "offers": offers,
        "found": len(offers) - bool(selected),
        "errors": form.errors.get("offer", []) if form.is_bound else [],
    }


def uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class ReferralAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Svar"),
        choices=[("accept", _("Accepter henvisningen")), ("decline", _("Afvis henvisningen"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg om I accepterer eller afviser.")},
    )
    reason_kind = decline_kind_field(
        _("Skal vælges, hvis henvisningen afvises. Årsagen indgår i rapporterne.")
    )
    reason = forms.CharField(
        label=_("Begrundelse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skal udfyldes, hvis henvisningen afvises."),
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == "decline" and not data.get("reason_kind"):
            self.add_error("reason_kind", _("Vælg hvorfor henvisningen afvises."))
        if data.get("answer") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Skriv hvorfor henvisningen afvises."))
        return data
