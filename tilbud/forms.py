from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tilbud.models import Contact, Location, Offer, Phone, Schedule, ScheduleException


def check_offer_ranges(form, data):
    """The offer's ranges, on the offer form and on a CSV import row alike: the age range and
    the free places within the places in all (messages translated now, as the import reports
    them as plain text)."""
    low, high = data.get("minimum_age"), data.get("maximum_age")
    if low is not None and high is not None and low > high:
        form.add_error("maximum_age", gettext("Maksimumsalderen skal være mindst minimumsalderen."))
    available, maximum = data.get("capacity_available"), data.get("capacity_maximum")
    if available is not None and maximum is not None and available > maximum:
        form.add_error(
            "capacity_available", gettext("Der kan ikke være flere ledige pladser end pladser i alt.")
        )


class OfferForm(forms.ModelForm):
    """What a provider may edit about their own offer."""

    url = forms.URLField(label=_("hjemmeside"), required=False, assume_scheme="https")
    assure = forms.BooleanField(
        label=_("Jeg har gennemgået oplysningerne, og de er korrekte"), required=False, initial=True
    )

    class Meta:
        model = Offer
        fields = [
            "name", "status", "description", "categories", "target_groups", "municipalities",
            "eligibility_description", "minimum_age", "maximum_age", "application_process",
            "walk_in", "referral_required", "anonymous_allowed", "free", "fees_description",
            "languages", "greenlandic_speaking_staff", "interpreter_available", "accessibility",
            "required_documents", "capacity_available", "capacity_maximum", "capacity_unit",
            "url", "email", "internal",
        ]  # fmt: skip
        widgets = {
            "categories": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "municipalities": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
            "eligibility_description": forms.Textarea(attrs={"rows": 3}),
            "application_process": forms.Textarea(attrs={"rows": 3}),
            "fees_description": forms.Textarea(attrs={"rows": 2}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
            "required_documents": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = self.fields["categories"].queryset.select_related("parent")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        check_offer_ranges(self, data)
        return data


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = Schedule
        fields = ["weekday", "opens_at", "closes_at"]
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class ScheduleExceptionForm(forms.ModelForm):
    class Meta:
        model = ScheduleException
        fields = ["date", "closed", "opens_at", "closes_at", "description"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        data = super().clean()
        if data.get("closed"):
            data["opens_at"] = data["closes_at"] = None
        elif not data.get("opens_at") or not data.get("closes_at"):
            self.add_error("opens_at", _("Angiv åbne- og lukketid, eller markér dagen som lukket."))
        return data


def _formset(model, form=None, fields=None, extra=1):
    return forms.inlineformset_factory(
        Offer, model, form=form or forms.ModelForm, fields=fields, extra=extra, can_delete=True
    )


ScheduleFormSet = _formset(Schedule, ScheduleForm, extra=2)
ScheduleExceptionFormSet = _formset(ScheduleException, ScheduleExceptionForm)
LocationFormSet = _formset(
    Location, fields=["name", "address", "postal_code", "city", "latitude", "longitude"]
)
PhoneFormSet = _formset(Phone, fields=["number", "description"])
ContactFormSet = _formset(Contact, fields=["name", "title", "email", "phone"])

FORMSETS = [
    ("locations", LocationFormSet, _("Adresser")),
    ("schedules", ScheduleFormSet, _("Åbningstider")),
    ("exceptions", ScheduleExceptionFormSet, _("Lukkedage og særlige åbningstider")),
    ("phones", PhoneFormSet, _("Telefonnumre")),
    ("contacts", ContactFormSet, _("Kontaktpersoner")),
]


class CsvImportForm(forms.Form):
    file = forms.FileField(label=_("CSV-fil"))
    skip_invalid = forms.BooleanField(label=_("Spring ugyldige rækker over"), required=False)
