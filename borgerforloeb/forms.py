"""Forms of the case pages. Danish messages next to the field; what the user typed is kept."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from borgerforloeb import cpr as cprlib
from borgerforloeb.models import Case, Citizen, Consent, Language, Participant, TargetGroup, TimelineEvent
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
        fields = [
            "full_name",
            "preferred_name",
            "cpr",
            "date_of_birth",
            "municipality",
            "preferred_language",
            "other_language",
            "interpreter_wanted",
            "phone",
            "email",
            "address",
            "contact_preference",
            "contact_notes",
            "target_groups",
            "is_newcomer",
            "arrived_on",
            "what_matters",
        ]
        widgets = {
            "date_of_birth": DATE_INPUT,
            "arrived_on": DATE_INPUT,
            "address": forms.Textarea(attrs={"rows": 2}),
            "what_matters": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, municipalities=None, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["full_name", "preferred_name", "cpr", "confirm_cpr", "date_of_birth"])
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
        from borgerforloeb.services import CprCheckLimited, check_cpr_duplicate

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
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.active(),
        required=False,
        help_text=_("Tom: personens egen organisation."),
    )
    reason = forms.CharField(label=_("Bemærkning"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people(user, case)


class HandoverForm(forms.Form):
    new_person = PersonChoiceField(label=_("Ny tovholder"), queryset=None)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.active(),
        required=False,
        help_text=_("Tom: personens egen organisation."),
    )
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


class ParticipantForm(forms.Form):
    user = PersonChoiceField(
        label=_("Person med login"),
        queryset=None,
        required=False,
        help_text=_("Eller skriv et navn herunder."),
    )
    name = forms.CharField(
        label=_("Navn (person uden login)"),
        required=False,
        max_length=200,
        help_text=_("Fx en pårørende."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.active(),
        required=False,
        help_text=_("Tom: personens egen organisation."),
    )
    role = forms.ChoiceField(label=_("Rolle"), choices=Participant.Role.choices)
    responsibility = forms.CharField(
        label=_("Ansvar i forløbet"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people(user, case)

    def clean(self):
        data = super().clean()
        person, organisation = data.get("user"), data.get("organisation")
        if not person and not (data.get("name") or "").strip():
            self.add_error("user", _("Vælg en person eller skriv et navn."))
        if person and organisation and not person.memberships.filter(organisation=organisation).exists():
            self.add_error("organisation", NOT_A_MEMBER)
        return data


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
        ids |= set(
            case.coordinator_assignments.filter(ended_at__isnull=True).values_list("person_id", flat=True)
        )
        self.fields["responsible"].queryset = User.objects.filter(pk__in=ids, is_active=True).order_by(
            "full_name"
        )


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


def municipalities_for(user):
    """Municipalities where the user may create citizens and cases."""
    from borgerforloeb.models import caseworker_municipalities

    if user.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(pk__in=caseworker_municipalities(user))


DEFAULT_CONSENT_TEXT = _(
    "Jeg giver samtykke til, at de nævnte organisationer og personer må udveksle de nævnte "
    "oplysninger om mig, så de kan hjælpe mig sammen. Jeg kan trække samtykket tilbage når som helst."
)


class ConsentForm(forms.Form):
    """Record a consent: specific (who, which information), informed (the text, in which
    language), given how, valid until a date."""

    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisationer der er omfattet"),
        queryset=Organisation.objects.active().select_related("municipality"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    persons = forms.ModelMultipleChoiceField(
        label=_("Personer der er omfattet"), queryset=None, required=False
    )
    information_kinds = forms.MultipleChoiceField(
        label=_("Oplysninger der må deles"),
        choices=Consent.InformationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vælg mindst én slags oplysninger.")},
    )
    only_this_case = forms.BooleanField(
        label=_("Gælder kun dette forløb"),
        required=False,
        initial=True,
        help_text=_("Uden flueben gælder samtykket alle borgerens forløb."),
    )
    text_shown = forms.CharField(
        label=_("Teksten borgeren fik forelagt"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial=DEFAULT_CONSENT_TEXT,
        error_messages={"required": _("Skriv den tekst, borgeren fik forelagt.")},
    )
    language = forms.ChoiceField(label=_("Sprog"), choices=Language.choices)
    given_how = forms.ChoiceField(label=_("Givet hvordan"), choices=Consent.GivenHow.choices)
    witness = forms.CharField(label=_("Vidne"), required=False, max_length=200)
    interpreter_name = forms.CharField(label=_("Tolk"), required=False, max_length=200)
    valid_from = forms.DateField(label=_("Gyldigt fra"), widget=DATE_INPUT)
    valid_until = forms.DateField(
        label=_("Gyldigt til"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Et samtykke bør have en slutdato; fx et år frem."),
    )

    def __init__(self, *args, user=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = people(user, case)
        self.fields["persons"].widget.attrs["size"] = 6

    def clean(self):
        data = super().clean()
        if not data.get("organisations") and not data.get("persons"):
            self.add_error("organisations", _("Vælg mindst én organisation eller person."))
        how = data.get("given_how")
        if how == Consent.GivenHow.ORAL_WITNESS and not (data.get("witness") or "").strip():
            self.add_error("witness", _("Et mundtligt samtykke kræver et vidne."))
        if how == Consent.GivenHow.INTERPRETER and not (data.get("interpreter_name") or "").strip():
            self.add_error("interpreter_name", _("Skriv navnet på tolken."))
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("Slutdatoen skal ligge efter startdatoen."))
        return data


class WithdrawConsentForm(forms.Form):
    note = forms.CharField(
        label=_("Bemærkning"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
