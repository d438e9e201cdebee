from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.admin_site import SHARED, PortalModelAdmin, register_scope, scoped_queryset, superuser_writes
from samarbejde.access import municipalities_administered_by
from samarbejde.models import Organisation
from tilbud import csv_io, services
from tilbud.forms import CsvImportForm
from tilbud.models import (
    Contact,
    Language,
    Location,
    Offer,
    Phone,
    Schedule,
    ScheduleException,
    TargetGroup,
    Taxonomy,
    TaxonomyTerm,
)


def _administered_offers(user):
    """Offers of organisations in the municipalities ``user`` administers."""
    administered = municipalities_administered_by(user).values("pk")
    return Offer.objects.filter(organisation__municipality__in=administered)


register_scope(Offer, _administered_offers)


def _offer_part_rule(model):
    return lambda user: model.objects.filter(offer__in=_administered_offers(user))


for _model in (Location, Phone, Contact, Schedule, ScheduleException):
    register_scope(_model, _offer_part_rule(_model))
# The directory's vocabularies are shared by every municipality: anyone may pick from them, only
# superusers change them.
for _model in (Taxonomy, TaxonomyTerm, TargetGroup, Language):
    register_scope(_model, SHARED)
superuser_writes(Taxonomy, TaxonomyTerm, TargetGroup, Language)


def _offer_part_inline(model, base=admin.TabularInline):
    """The admin inline of one part of an offer (no empty extra rows)."""
    return type(f"{model.__name__}Inline", (base,), {"model": model, "extra": 0})


OFFER_PART_INLINES = [
    _offer_part_inline(Location, admin.StackedInline),
    *(_offer_part_inline(model) for model in (Phone, Contact, Schedule, ScheduleException)),
]


class StaleFilter(admin.SimpleListFilter):
    title = _("friskhed")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("Ikke bekræftet i 180 dage"))]

    def queryset(self, request, queryset):
        return queryset.needing_verification() if self.value() == "yes" else queryset


@admin.register(Offer)
class OfferAdmin(PortalModelAdmin):
    list_display = ["name", "organisation", "status", "internal", "assured_date"]
    list_filter = [
        "status", StaleFilter, "internal", "walk_in", "referral_required", "greenlandic_speaking_staff",
        "interpreter_available", "free", "municipalities", "target_groups", "organisation__kind",
    ]  # fmt: skip
    search_fields = ["name", "organisation__name", "description"]
    list_select_related = ["organisation"]
    filter_horizontal = ["municipalities", "categories", "target_groups", "languages"]
    readonly_fields = ["assured_by", "capacity_updated_at", "capacity_updated_by", "created_at", "updated_at"]
    autocomplete_fields = ["organisation"]
    inlines = OFFER_PART_INLINES
    actions = ["export_csv", "mark_assured"]
    change_list_template = "admin/tilbud/offer/change_list.html"
    fieldsets = [
        (None, {"fields": ["organisation", "name", "status", "description", "internal", "url", "email"]}),
        (_("Kategorier og målgrupper"), {"fields": ["categories", "target_groups", "municipalities"]}),
        (
            _("Adgang"),
            {
                "fields": [
                    "eligibility_description",
                    "minimum_age",
                    "maximum_age",
                    "application_process",
                    "walk_in",
                    "referral_required",
                    "anonymous_allowed",
                    "free",
                    "fees_description",
                    "required_documents",
                    "accessibility",
                ]
            },
        ),  # fmt: skip
        (_("Sprog"), {"fields": ["languages", "greenlandic_speaking_staff", "interpreter_available"]}),
        (
            _("Pladser"),
            {
                "fields": [
                    "capacity_available",
                    "capacity_maximum",
                    "capacity_unit",
                    "capacity_updated_at",
                    "capacity_updated_by",
                ]
            },
        ),
        (_("Friskhed"), {"fields": ["assured_date", "assured_by", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            before = tuple(form.initial.get(name) for name in Offer.CAPACITY_FIELDS)
        obj.stamp_capacity(request.user, before)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_search_document()

    @admin.action(description=_("Eksportér valgte som CSV"))
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="tilbud.csv"'
        csv_io.write_csv(queryset, response)
        return response

    @admin.action(description=_("Markér valgte som stadig korrekte"))
    def mark_assured(self, request, queryset):
        for offer in queryset:
            services.assure_offer(actor=request.user, offer=offer, request=request)
        self.message_user(request, _("%(n)d tilbud bekræftet.") % {"n": queryset.count()})

    def get_urls(self):
        return [
            path(
                "import-csv/",
                self.admin_site.admin_view(self.import_csv_view),
                name="tilbud_offer_import_csv",
            ),
            *super().get_urls(),
        ]

    def import_csv_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            return redirect("admin:tilbud_offer_changelist")
        form = CsvImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            raw = form.cleaned_data["file"].read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error("file", _("Filen skal være gemt som UTF-8."))
            else:
                result = csv_io.import_csv(
                    text,
                    actor=request.user,
                    skip_invalid=form.cleaned_data["skip_invalid"],
                    organisations=scoped_queryset(Organisation, request.user),
                    offers=self.get_queryset(request),
                )
                if result.saved:
                    messages.success(
                        request,
                        _("Import: %(c)d oprettet, %(u)d opdateret, %(n)d uændret.")
                        % {"c": result.created, "u": result.updated, "n": result.unchanged},
                    )
                    if result.ok:
                        return redirect("admin:tilbud_offer_changelist")
                else:
                    messages.error(request, _("Intet er gemt: filen har fejl."))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "title": _("Importér tilbud fra CSV"),
            "changelist_url": reverse("admin:tilbud_offer_changelist"),
        }
        return render(request, "admin/tilbud/offer/import_csv.html", context)


@admin.register(Taxonomy)
class TaxonomyAdmin(PortalModelAdmin):
    list_display = ["name", "version"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(PortalModelAdmin):
    list_display = ["name", "code", "parent", "taxonomy"]
    list_filter = ["taxonomy", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code"]
    list_select_related = ["parent", "taxonomy"]


@admin.register(TargetGroup)
class TargetGroupAdmin(PortalModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Language)
class LanguageAdmin(PortalModelAdmin):
    list_display = ["name", "code"]
