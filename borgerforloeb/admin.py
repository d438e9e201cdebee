"""Django admin for citizen cases. Lists go through the visibility rule; CPR is always masked."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from borgerforloeb import retention
from borgerforloeb.models import (
    AttentionPoint,
    AttentionPointTemplate,
    Case,
    Citizen,
    CitizenInvitation,
    CitizenMessage,
    Consent,
    CoordinatorAssignment,
    Decision,
    Effort,
    Goal,
    Meeting,
    Participant,
    Plan,
    PlanAcceptance,
    PlanVersion,
    RetentionRun,
    Task,
    TimelineEvent,
)
from core.admin_site import (
    PortalModelAdmin,
    ReadOnlyAdminMixin,
    register_scope,
    superuser_only,
    superuser_writes,
)
from core.audit import audited_admin_reads
from samarbejde.access import municipalities_administered_by

# Case data is read in admin under the visibility rule and written only by superusers: everyone
# else changes it through the portal's services, which keep the invariants, audit and timeline.
CASE_PATHS = {
    Case: "pk",
    CoordinatorAssignment: "case",
    Participant: "case",
    Consent: "case",
    Plan: "case",
    PlanVersion: "plan__case",
    Goal: "version__plan__case",
    PlanAcceptance: "version__plan__case",
    Effort: "case",
    Task: "case",
    Meeting: "case",
    AttentionPoint: "case",
    Decision: "case",
    TimelineEvent: "case",
    CitizenInvitation: "case",
    CitizenMessage: "case",
}


def _visible_cases(user):
    return Case.objects.visible_to(user).values("pk")


def _case_rule(model, path):
    return lambda user: model.objects.filter(**{f"{path}__in": _visible_cases(user)})


for _model, _path in CASE_PATHS.items():
    if _model not in (Case, Consent):
        register_scope(_model, _case_rule(_model, _path))
register_scope(Case, Case.objects.visible_to)
register_scope(Citizen, Citizen.objects.visible_to)
register_scope(
    Consent,
    lambda user: Consent.objects.filter(citizen__in=Citizen.objects.visible_to(user).values("pk")),
)
register_scope(
    AttentionPointTemplate,
    lambda user: AttentionPointTemplate.objects.filter(
        municipality__in=municipalities_administered_by(user).values("pk")
    ),
)
superuser_writes(Citizen, *CASE_PATHS)
# The retention runs concern every municipality: superusers (the system's administrators) only.
superuser_only(RetentionRun)


class CaseDataAdmin(PortalModelAdmin):
    """A case-data model: rows of visible cases; audit rows name the case."""

    # Fields shown but never changed on an existing row (a citizen's and a case's municipality
    # change only through a consented transfer between municipalities).
    fixed_once_created: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += [f for f in self.fixed_once_created if f not in fields]
        return fields

    def audit_case_id(self, obj):
        path = CASE_PATHS.get(type(obj))
        if path is None:
            return None
        if path == "pk":
            return obj.pk
        *steps, last = path.split("__")
        for step in steps:
            obj = getattr(obj, step)
        return getattr(obj, f"{last}_id")


class CaseRowAdmin(CaseDataAdmin):
    """A row of one case (a ``case`` link): the case is picked by id and listed with its citizen.
    Subclasses add to ``case_related`` and ``case_raw_ids`` what else a list row shows or links."""

    case_related: tuple[str, ...] = ()
    case_raw_ids: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.list_select_related = ["case__citizen", *cls.case_related]
        cls.raw_id_fields = ["case", *cls.case_raw_ids]


@admin.register(Citizen)
class CitizenAdmin(CaseDataAdmin):
    list_display = ["full_name", "preferred_name", "masked_cpr", "date_of_birth", "municipality"]
    list_filter = ["municipality", "preferred_language", "is_newcomer"]
    search_fields = ["full_name", "preferred_name"]
    list_select_related = ["municipality"]
    exclude = ["cpr"]
    readonly_fields = ["masked_cpr", "created_at", "updated_at", "created_by"]
    fixed_once_created = ("municipality",)

    @admin.display(description=_("CPR-nummer"))
    def masked_cpr(self, obj):
        return obj.cpr_masked or "–"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("municipality")


class CoordinatorAssignmentInline(admin.TabularInline):
    model = CoordinatorAssignment
    extra = 0
    fields = ["person", "organisation", "started_at", "ended_at", "reason"]
    autocomplete_fields = ["person"]


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ["user", "name", "organisation", "role", "responsibility", "active"]
    autocomplete_fields = ["user"]


@admin.register(Case)
class CaseAdmin(CaseDataAdmin):
    list_display = ["citizen_name", "masked_cpr", "municipality", "status", "start_date"]
    list_filter = ["status", "municipality"]
    search_fields = ["citizen__full_name", "citizen__preferred_name"]
    list_select_related = ["citizen", "municipality"]
    readonly_fields = ["version", "created_at", "updated_at", "created_by"]
    raw_id_fields = ["citizen"]
    inlines = [CoordinatorAssignmentInline, ParticipantInline]
    fixed_once_created = ("municipality", "citizen")

    @admin.display(description=_("borger"), ordering="citizen__full_name")
    def citizen_name(self, obj):
        return obj.citizen.display_name

    @admin.display(description=_("CPR-nummer"))
    def masked_cpr(self, obj):
        return obj.citizen.cpr_masked or "–"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("citizen", "municipality")


@admin.register(CoordinatorAssignment)
class CoordinatorAssignmentAdmin(CaseRowAdmin):
    case_related = ("person", "organisation")
    list_display = ["case", "person", "organisation", "started_at", "ended_at"]
    list_filter = ["ended_at"]
    autocomplete_fields = ["person"]


@admin.register(Participant)
class ParticipantAdmin(CaseRowAdmin):
    case_related = ("user", "organisation")
    list_display = ["case", "person_name", "organisation", "role", "active"]
    list_filter = ["role", "active"]
    autocomplete_fields = ["user"]


@admin.register(Consent)
class ConsentAdmin(CaseDataAdmin):
    list_display = ["citizen", "case", "given_how", "valid_from", "valid_until", "withdrawn_at"]
    list_filter = ["given_how", "language"]
    list_select_related = ["citizen", "case__citizen"]
    raw_id_fields = ["citizen", "case"]
    filter_horizontal = ["organisations", "persons"]


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


@admin.register(Plan)
class PlanAdmin(CaseRowAdmin):
    list_display = ["case", "created_at"]


@admin.register(PlanVersion)
class PlanVersionAdmin(CaseDataAdmin):
    list_display = ["plan", "number", "status", "next_review", "accepted_at"]
    list_filter = ["status"]
    list_select_related = ["plan__case__citizen"]
    readonly_fields = ["lock_version", "created_at", "updated_at"]
    raw_id_fields = ["plan"]
    inlines = [GoalInline]


@admin.register(PlanAcceptance)
class PlanAcceptanceAdmin(CaseDataAdmin):
    list_display = ["version", "accepted_at", "citizen_participation"]
    raw_id_fields = ["version"]
    filter_horizontal = ["participants"]


@admin.register(Effort)
class EffortAdmin(CaseRowAdmin):
    case_related = ("receiving_organisation", "responsible")
    case_raw_ids = ("offer",)
    list_display = ["title", "case", "status", "receiving_organisation", "responsible"]
    list_filter = ["status"]
    autocomplete_fields = ["responsible"]


@admin.register(Task)
class TaskAdmin(CaseRowAdmin):
    case_related = ("responsible",)
    case_raw_ids = ("meeting",)
    list_display = ["title", "case", "responsible", "due_date", "status"]
    list_filter = ["status"]
    autocomplete_fields = ["responsible"]


@admin.register(Meeting)
class MeetingAdmin(CaseRowAdmin):
    list_display = ["__str__", "case", "starts_at", "interpreter_needed", "interpreter_booked"]
    list_filter = ["interpreter_needed", "interpreter_booked"]
    filter_horizontal = ["participants"]


@admin.register(AttentionPointTemplate)
class AttentionPointTemplateAdmin(PortalModelAdmin):
    """The checklist of attention points per municipality, edited by that municipality's
    administrators (``samarbejde.access``); the portal's default (no municipality) by superusers.
    Another municipality's template is "not found"."""

    list_display = ["__str__", "updated_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AttentionPoint)
class AttentionPointAdmin(CaseRowAdmin):
    list_display = ["label", "case", "status"]
    list_filter = ["status", "key"]


@admin.register(Decision)
class DecisionAdmin(CaseRowAdmin):
    case_raw_ids = ("meeting",)
    list_display = ["__str__", "case", "decided_by", "decided_on", "shared_with_citizen"]


@admin.register(TimelineEvent)
class TimelineEventAdmin(ReadOnlyAdminMixin, CaseDataAdmin):
    """Read-only, also for superusers: the timeline is written by the services."""

    list_display = ["at", "case", "kind", "actor", "summary"]
    list_filter = ["kind"]
    list_select_related = ["case__citizen", "actor"]


# --- Read audit -------------------------------------------------------------------------------------


def read_subject(obj):
    """What an admin page of case data names in the read audit: the object and its case, or, for
    a consent that covers all of the citizen's cases, the citizen."""
    if isinstance(obj, Case):
        return obj, obj.pk
    if isinstance(obj, PlanVersion):
        return obj, obj.plan.case_id
    if isinstance(obj, PlanAcceptance):
        return obj, obj.version.plan.case_id
    if isinstance(obj, Consent) and obj.case_id is None:
        return obj.citizen, None
    return obj, getattr(obj, "case_id", None)


# Every model of this app is case data except the checklist templates: the object pages of its
# admin (change, history, delete) are audited reads, like the portal's pages.
for _model, _model_admin in admin.site._registry.items():
    if _model._meta.app_label == "borgerforloeb" and _model not in (AttentionPointTemplate, RetentionRun):
        _model_admin.audited_read = audited_admin_reads(read_subject)


# --- Retention runs ---------------------------------------------------------------------------------


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdminMixin, PortalModelAdmin):
    """The nightly retention runs (counts only) and, on its own page, what the next run will do."""

    change_list_template = "admin/borgerforloeb/retentionrun/change_list.html"
    list_display = [
        "started_at",
        "finished_at",
        "cases_anonymised",
        "cases_left",
        "audit_rows_pruned",
        "case_cutoff",
        "audit_cutoff",
        "error",
    ]

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("naeste-koersel/", preview, name="borgerforloeb_retentionrun_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        """The dry run: which cases the next run anonymises (id, municipality, end date, row counts)
        and how many audit rows it deletes; nothing is changed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Næste kørsel af sletteregler (prøvekørsel)"),
            "preview": retention.preview(),
        }
        return TemplateResponse(request, "admin/borgerforloeb/retentionrun/preview.html", context)
