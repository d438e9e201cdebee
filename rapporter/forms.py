"""The report filters: period, target group, organisation kind."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from borgerforloeb.models import TargetGroup
from samarbejde.models import Organisation

MAX_MONTHS = 60


def _parse_month(value: str) -> datetime.date:
    return datetime.datetime.strptime(value, "%Y-%m").date().replace(day=1)


def _months_before(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)


class MonthField(forms.CharField):
    """A month as YYYY-MM (``<input type="month">``), cleaned to its first day."""

    widget = forms.TextInput(
        attrs={"type": "month", "pattern": r"[0-9]{4}-[0-9]{2}", "placeholder": "ÅÅÅÅ-MM"}
    )

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return _parse_month(value)
        except ValueError:
            raise forms.ValidationError(_("Skriv måneden som ÅÅÅÅ-MM, f.eks. 2026-01.")) from None


class ReportFilterForm(forms.Form):
    start = MonthField(label=_("Fra måned"), required=False)
    end = MonthField(label=_("Til måned"), required=False)
    target_group = forms.ChoiceField(
        label=_("Målgruppe"), required=False, choices=[("", _("Alle målgrupper")), *TargetGroup.choices]
    )
    organisation_kind = forms.ChoiceField(
        label=_("Modtagende organisationstype"),
        required=False,
        choices=[("", _("Alle typer")), *Organisation.Kind.choices],
        help_text=_("Gælder henvisningerne."),
    )

    def clean(self):
        data = super().clean()
        current = timezone.localdate().replace(day=1)
        end = data.get("end") or current
        start = data.get("start") or _months_before(end, 11)
        if start > end:
            self.add_error("start", _("Fra-måneden skal ligge før til-måneden."))
        elif (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
            self.add_error("start", _("Vælg højst %(n)s måneder.") % {"n": MAX_MONTHS})
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> dict:
        """The valid filters, or the defaults (the last 12 months, everyone) when invalid."""
        form = self if self.is_bound and self.is_valid() else ReportFilterForm({})
        form.is_valid()
        data = form.cleaned_data
        return {
            "start": data["start"],
            "end": data["end"],
            "target_group": data.get("target_group") or "",
            "organisation_kind": data.get("organisation_kind") or "",
        }
