from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from samarbejde import services
from samarbejde.models import (
    Channel,
    Forum,
    ForumAction,
    ForumMeeting,
    KnowledgePage,
    Membership,
    Organisation,
    Unit,
    WorkTool,
)
from samarbejde.uploads import max_upload_bytes, validate_guidance_file


def _others(form, **lookups):
    """The rows of the model form's model matching ``lookups``, but for the row being edited."""
    rows = form._meta.model.objects.filter(**lookups)
    if not form.instance._state.adding:
        rows = rows.exclude(pk=form.instance.pk)
    return rows


def _unique_name(form, taken, **scope):
    """The form's name without surrounding spaces, unless another row in ``scope`` has that name
    (in any case): then the error ``taken``."""
    name = form.cleaned_data["name"].strip()
    if _others(form, name__iexact=name, **scope).exists():
        raise forms.ValidationError(taken)
    return name


class MunicipalityRowForm(forms.ModelForm):
    """A model form of a row of the municipality given as ``municipality``. A unique name (or
    topic) is checked by the form, case-insensitively, and by the database; not by the model."""

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality

    def validate_unique(self):
        pass


class OrganisationForm(MunicipalityRowForm):
    website = forms.URLField(label=_("Hjemmeside"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "kind", "role_in_effort", "description", "website", "email", "phone", "cvr"]

    def clean_cvr(self):
        cvr = self.cleaned_data.get("cvr", "").strip()
        if cvr and not (len(cvr) == 8 and cvr.isdigit()):
            raise forms.ValidationError(_("Et CVR-nummer består af 8 cifre."))
        return cvr

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        existing = services.find_duplicate_organisation(
            municipality=self.municipality,
            name=name,
            exclude_pk=None if self.instance._state.adding else self.instance.pk,
        )
        if existing is not None:
            raise forms.ValidationError(duplicate_message(existing))
        return name


def duplicate_message(existing):
    return format_html(
        '{} <a href="{}">{}</a>',
        _("Organisationen findes allerede i denne kommune:"),
        existing.get_absolute_url(),
        existing.name,
    )


class ChannelForm(MunicipalityRowForm):
    class Meta:
        model = Channel
        fields = [
            "topic",
            "description",
            "organisation",
            "unit",
            "contact_person",
            "way",
            "contact_details",
            "opening_hours",
            "fallback",
            "review_due",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "contact_details": forms.Textarea(attrs={"rows": 2}),
            "fallback": forms.Textarea(attrs={"rows": 2}),
            "review_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, municipality=municipality, **kwargs)
        organisations = Organisation.objects.filter(municipality=municipality).active()
        self.fields["organisation"].queryset = organisations
        self.fields["unit"].queryset = Unit.objects.filter(organisation__in=organisations).select_related(
            "organisation"
        )
        self.fields["contact_person"].queryset = Membership.objects.filter(
            organisation__in=organisations
        ).select_related("user", "organisation")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("organisation") or cleaned.get("unit") or cleaned.get("contact_person")):
            raise forms.ValidationError(_("Angiv den ansvarlige: en organisation, en enhed eller en person."))
        topic, way = cleaned.get("topic"), cleaned.get("way")
        if (
            topic
            and way
            and _others(self, municipality=self.municipality, topic__iexact=topic, way=way).exists()
        ):
            self.add_error(
                "topic", _("Der findes allerede en kommunikationsvej med dette emne og denne kontaktform.")
            )
        return cleaned


class ForumForm(MunicipalityRowForm):
    class Meta:
        model = Forum
        fields = ["name", "purpose", "cadence", "member_organisations", "member_users"]
        widgets = {
            "member_organisations": forms.CheckboxSelectMultiple,
            "member_users": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, municipality=municipality, **kwargs)
        self.fields["member_organisations"].queryset = Organisation.objects.filter(
            municipality=municipality
        ).active()
        self.fields["member_users"].queryset = (
            get_user_model()
            .objects.filter(memberships__organisation__municipality=municipality, is_active=True)
            .distinct()
        )

    def clean_name(self):
        return _unique_name(
            self, _("Der findes allerede et forum med dette navn i kommunen."), municipality=self.municipality
        )


class ForumMeetingForm(forms.ModelForm):
    date = forms.DateTimeField(
        label=_("Tidspunkt"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    class Meta:
        model = ForumMeeting
        fields = ["date", "place", "agenda", "minutes"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 4}), "minutes": forms.Textarea(attrs={"rows": 8})}


class ForumActionForm(forms.ModelForm):
    due_date = forms.DateField(
        label=_("Frist"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    class Meta:
        model = ForumAction
        fields = ["title", "responsible", "due_date", "status"]

    def __init__(self, *args, forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = responsible_choices(forum)
        self.fields["responsible"].error_messages["required"] = _("Vælg én ansvarlig person.")
        self.fields["due_date"].error_messages["required"] = _("Angiv en frist.")


def responsible_choices(forum):
    return (
        get_user_model()
        .objects.filter(
            Q(forums=forum) | Q(memberships__organisation__municipality=forum.municipality), is_active=True
        )
        .distinct()
        .order_by("full_name")
    )


class BaseForumActionFormSet(forms.BaseModelFormSet):
    def __init__(self, *args, forum, **kwargs):
        self.forum = forum
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "forum": self.forum}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            forum=self.forum,
        )
        self.add_fields(form, None)
        return form


ForumActionFormSet = forms.modelformset_factory(
    ForumAction, form=ForumActionForm, formset=BaseForumActionFormSet, extra=3, can_delete=True
)


class WorkToolForm(MunicipalityRowForm):
    class Meta:
        model = WorkTool
        fields = ["kind", "name", "description", "template_body"]
        widgets = {"template_body": forms.Textarea(attrs={"rows": 10})}

    def clean_name(self):
        return _unique_name(
            self, _("Der findes allerede et arbejdsredskab med dette navn."), municipality=self.municipality
        )


class GuidanceDocumentForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    file = forms.FileField(
        label=_("Fil (PDF eller DOCX)"),
        error_messages={"empty": _("Filen er tom."), "required": _("Vælg en fil.")},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_mb = max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = _("Højst %(mb)s MB.") % {"mb": limit_mb}

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.content_type = validate_guidance_file(uploaded)
        return uploaded


class KnowledgePageForm(forms.ModelForm):
    class Meta:
        model = KnowledgePage
        fields = ["title", "slug", "summary", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}


class ChannelSearchForm(forms.Form):
    q = forms.CharField(label=_("Søg efter emne, enhed eller person"), required=False, max_length=100)


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_name(self):
        return _unique_name(
            self,
            _("Der findes allerede en enhed med dette navn i organisationen."),
            organisation=self.instance.organisation,
        )

    def validate_unique(self):
        pass


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["unit", "title", "contact_about", "is_key_contact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=self.instance.organisation)
