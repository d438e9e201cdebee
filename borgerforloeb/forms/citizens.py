"""The citizen form (with the CPR check and the duplicate warning)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from borgerforloeb import cpr as cprlib
from borgerforloeb.forms.fields import DATE_INPUT
from borgerforloeb.models import Citizen, TargetGroup
from borgerforloeb.services.citizens import CITIZEN_FIELDS
from samarbejde.models import Municipality


class CitizenForm(forms.ModelForm):
    """Create a citizen. CPR: format and real date are errors, modulus 11 only a warning.

    Warnings (modulus 11, likely duplicate) are shown once beside the field; the user confirms
    with a checkbox and saves again.
    """

    cpr = forms.CharField(
        label=_("CPR-nummer"),
        required=False,
        max_length=20,
        help_text=_("DDMMÅÅ-XXXX. Lad feltet stå tomt, hvis borgeren endnu ikke har et CPR-nummer."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Målgrupper"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_cpr = forms.BooleanField(
        label=_("Jeg har kontrolleret CPR-nummeret, og det er rigtigt"), required=False
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("Det er ikke den samme person – opret borgeren alligevel"), required=False
    )

    class Meta:
        model = Citizen
        # The service owns the list; the CPR number and the municipality are handled apart.
        fields = [*CITIZEN_FIELDS, "cpr", "municipality"]
        widgets = {
            "date_of_birth": DATE_INPUT,
            "arrived_on": DATE_INPUT,
            "address": forms.Textarea(attrs={"rows": 2}),
            "what_matters": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, municipalities=None, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(
            ["full_name", "preferred_name", "cpr", "confirm_cpr", "date_of_birth", "municipality"]
        )
        self.user = user
        self.request = request
        if not self.instance._state.adding:
            # The municipality is shown, never offered: it changes only through a consented
            # transfer between municipalities.
            field = self.fields["municipality"]
            field.queryset = Municipality.objects.filter(pk=self.instance.municipality_id)
            field.disabled = True
            field.help_text = _("Borgerens kommune ændres kun ved en overdragelse mellem kommuner.")
        elif municipalities is not None:
            self.fields["municipality"].queryset = municipalities
            if municipalities.count() == 1 and not self.is_bound:
                self.initial.setdefault("municipality", municipalities.first().pk)
        self.cpr_info: cprlib.CprInfo | None = None
        self.existing_citizen: Citizen | None = None
        self.duplicates: list[Citizen] = []
        self.needs_cpr_confirmation = False
        self.needs_duplicate_confirmation = False
        self.cpr_changed = False
        self.editing = not self.instance._state.adding
        if self.editing:
            # Never put the stored CPR number in the page: empty means "keep it".
            self.initial["cpr"] = ""
            if self.instance.cpr:
                self.fields["cpr"].help_text = _(
                    "Nuværende: %(masked)s. Lad feltet stå tomt for at beholde det."
                ) % {"masked": self.instance.cpr_masked}

    def _get_validation_exclusions(self):
        # The model's unique CPR constraint is not asked here: it would answer for citizens of
        # every municipality. ``check_cpr_duplicate`` answers within the visible citizens, and the
        # database refuses any other duplicate when saving, naming no one.
        exclude = super()._get_validation_exclusions()
        exclude.add("cpr")
        return exclude

    def clean_cpr(self):
        value = self.cleaned_data.get("cpr", "").strip()
        if not value:
            if self.editing and self.instance.cpr:
                self.cpr_info = cprlib.parse(self.instance.cpr)
                return self.instance.cpr
            return ""
        self.cpr_info = cprlib.parse(value)  # ValidationError shows beside the field
        self.cpr_changed = self.cpr_info.digits != (self.instance.cpr if self.editing else "")
        if not self.cpr_changed:
            return self.cpr_info.digits
        from borgerforloeb.services.citizens import CprCheckLimited, check_cpr_duplicate

        try:
            existing = check_cpr_duplicate(
                actor=self.user, cpr=self.cpr_info.digits, exclude_pk=self.instance.pk, request=self.request
            )
        except CprCheckLimited as error:
            raise ValidationError(error.messages[0], code="rate_limited") from None
        if existing is not None:
            # Only a citizen the user may see is named; one outside that set is refused when
            # saving, by the database's unique constraint, with a message that names no one.
            self.existing_citizen = existing
            message = format_html(
                '{} <a href="{}">{}</a>',
                _("Der findes allerede en borger med dette CPR-nummer."),
                existing.get_absolute_url(),
                _("Gå til borgeren"),
            )
            raise ValidationError(message, code="duplicate")
        return self.cpr_info.digits

    def clean(self):
        from borgerforloeb.selectors import likely_duplicates

        data = super().clean()
        if self.cpr_info is not None:
            born = data.get("date_of_birth")
            if born and born != self.cpr_info.birth_date:
                self.add_error("date_of_birth", _("Fødselsdatoen passer ikke med CPR-nummeret."))
            data["date_of_birth"] = self.cpr_info.birth_date
            if self.cpr_changed and not self.cpr_info.modulus11_ok and not data.get("confirm_cpr"):
                self.needs_cpr_confirmation = True
                self.add_error("confirm_cpr", cprlib.MODULUS11_WARNING)
        if data.get("preferred_language") == "other" and not (data.get("other_language") or "").strip():
            self.add_error("other_language", _("Skriv hvilket sprog borgeren foretrækker."))
        if data.get("full_name") and data.get("date_of_birth") and not self.errors:
            self.duplicates = likely_duplicates(
                self.user,
                full_name=data["full_name"],
                date_of_birth=data["date_of_birth"],
                exclude_pk=self.instance.pk,
            )
            if self.duplicates and not data.get("confirm_not_duplicate"):
                self.needs_duplicate_confirmation = True
                self.add_error(
                    "confirm_not_duplicate",
                    _(
                        "Der findes allerede en borger med samme fødselsdato og et lignende navn. "
                        "Tjek om det er den samme person, før du opretter en ny."
                    ),
                )
        return data
