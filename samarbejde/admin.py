"""Django admin for the framework, scoped by municipality through ``samarbejde.access``.

A municipality's administrator sees and edits only that municipality's rows; another
municipality's object is "not found" (404). Superusers see everything. Saves and deletes are
audited; deleting an organisation that is still in use is refused with an archive option.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_site import SHARED, PortalModelAdmin, register_scope, superuser_writes
from samarbejde import services
from samarbejde.access import municipalities_administered_by
from samarbejde.models import (
    Channel,
    Forum,
    ForumAction,
    ForumMeeting,
    FrameworkDocument,
    FrameworkDocumentVersion,
    GuidanceDocument,
    KnowledgePage,
    Membership,
    Municipality,
    Organisation,
    Unit,
    WorkTool,
)
from samarbejde.uploads import validate_guidance_file


class AuditedAdmin(PortalModelAdmin):
    """Every admin save and delete goes to the audit trail (``core.admin_site``); a deleted
    guidance document also loses its file."""

    def delete_model(self, request, obj):
        services.delete_object(actor=request.user, obj=obj, request=request)

    def delete_inline_object(self, request, obj):
        services.delete_object(actor=request.user, obj=obj, request=request)


class ScopedAdmin(AuditedAdmin):
    """Rows limited to ``Model.objects.editable_by(user)`` (the registered scope); other rows are
    404. A municipality is required: common rows (no municipality) are for superusers only."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Municipality and not request.user.is_superuser:
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _administered_users(user):
    """People of the municipalities ``user`` administers (the people pickers' rule)."""
    administered = municipalities_administered_by(user).values("pk")
    return get_user_model().objects.filter(memberships__organisation__municipality__in=administered)


# What a municipality's administrator may see and pick in admin: their municipalities' framework.
register_scope(Municipality, municipalities_administered_by)
register_scope(get_user_model(), _administered_users)
for _model in (
    Organisation, Unit, Membership, Channel, Forum, ForumMeeting, ForumAction, WorkTool, GuidanceDocument,
    FrameworkDocument, FrameworkDocumentVersion,
):  # fmt: skip
    register_scope(_model, _model.objects.editable_by)
register_scope(KnowledgePage, SHARED)
superuser_writes(Municipality)


@admin.register(Municipality)
class MunicipalityAdmin(PortalModelAdmin):
    """Municipalities are added and changed by superusers only (``superuser_writes``)."""

    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ["name", "kind", "municipality", "archived_at"]
    list_filter = ["kind", "municipality", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "cvr"]
    list_select_related = ["municipality"]
    inlines = [UnitInline, MembershipInline]
    actions = ["archive_selected"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def delete_view(self, request, object_id, extra_context=None):
        self._check_object(request, object_id)
        organisation = self.get_object(request, unquote(object_id))
        blockers = services.organisation_blockers(organisation) if organisation else {}
        if blockers:
            self._refuse(request, [(organisation, blockers)])
            return redirect("admin:samarbejde_organisation_change", organisation.pk)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        try:
            services.delete_organisation(actor=request.user, organisation=obj, request=request)
        except services.OrganisationInUse as error:
            self._refuse(request, [(obj, error.blocking)])

    def delete_queryset(self, request, queryset):
        refused = []
        for organisation in queryset:
            try:
                services.delete_organisation(actor=request.user, organisation=organisation, request=request)
            except services.OrganisationInUse as error:
                refused.append((organisation, error.blocking))
        if refused:
            self._refuse(request, refused)

    def get_deleted_objects(self, objs, request):
        # Admin lists protected objects itself; we refuse with an archive hint instead.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            self._refuse(request, [(o, services.organisation_blockers(o)) for o in objs])
        return deleted, model_count, perms_needed, protected

    def _refuse(self, request, refused):
        for organisation, blockers in refused:
            what = ", ".join(f"{count} {name}" for name, count in blockers.items())
            self.message_user(
                request,
                _(
                    "%(name)s kan ikke slettes, fordi den stadig har %(what)s. "
                    "Arkivér organisationen i stedet (handlingen 'Arkivér valgte organisationer')."
                )
                % {"name": organisation.name, "what": what},
                level=messages.ERROR,
            )

    @admin.action(description=_("Arkivér valgte organisationer"), permissions=["change"])
    def archive_selected(self, request, queryset):
        for organisation in queryset:
            services.archive_organisation(actor=request.user, organisation=organisation, request=request)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d organisation er arkiveret.", "%(count)d organisationer er arkiveret.", count)
            % {"count": count},
        )


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["user", "organisation", "unit", "title", "is_key_contact"]
    list_filter = ["organisation__municipality", "is_key_contact"]
    search_fields = ["user__full_name", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation", "unit"]
    autocomplete_fields = ["user", "organisation", "unit"]


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]


@admin.register(Channel)
class ChannelAdmin(ScopedAdmin):
    list_display = ["topic", "municipality", "way", "responsible_display", "review_due", "updated_at"]
    list_filter = ["municipality", "way"]
    search_fields = ["topic", "description", "contact_details"]
    list_select_related = ["municipality", "organisation", "unit", "contact_person__user"]
    autocomplete_fields = ["organisation", "unit", "contact_person"]


class ForumMeetingInline(admin.StackedInline):
    model = ForumMeeting
    extra = 0
    show_change_link = True


@admin.register(Forum)
class ForumAdmin(ScopedAdmin):
    list_display = ["name", "municipality", "cadence"]
    list_filter = ["municipality", "cadence"]
    search_fields = ["name", "purpose"]
    list_select_related = ["municipality"]
    filter_horizontal = ["member_organisations", "member_users"]
    inlines = [ForumMeetingInline]


class ForumActionInline(admin.TabularInline):
    model = ForumAction
    extra = 1
    autocomplete_fields = ["responsible"]


@admin.register(ForumMeeting)
class ForumMeetingAdmin(ScopedAdmin):
    list_display = ["forum", "date", "place"]
    list_filter = ["forum__municipality"]
    list_select_related = ["forum"]
    inlines = [ForumActionInline]


@admin.register(ForumAction)
class ForumActionAdmin(ScopedAdmin):
    list_display = ["title", "responsible", "due_date", "status", "meeting"]
    list_filter = ["status", "meeting__forum__municipality"]
    search_fields = ["title", "responsible__full_name"]
    list_select_related = ["responsible", "meeting__forum"]
    autocomplete_fields = ["responsible"]


class GuidanceDocumentInline(admin.TabularInline):
    model = GuidanceDocument
    extra = 0
    fields = ["title", "file", "content_type", "size", "uploaded_at"]
    readonly_fields = ["content_type", "size", "uploaded_at"]


@admin.register(WorkTool)
class WorkToolAdmin(ScopedAdmin):
    list_display = ["name", "kind", "municipality", "updated_at"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "description"]
    list_select_related = ["municipality"]


@admin.register(GuidanceDocument)
class GuidanceDocumentAdmin(ScopedAdmin):
    list_display = ["title", "work_tool", "content_type", "size", "uploaded_at"]
    readonly_fields = ["content_type", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["work_tool"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        def clean_file(form_self):
            uploaded = form_self.cleaned_data["file"]
            if hasattr(uploaded, "content_type"):  # a new upload, not the stored file
                form_self.instance.content_type = validate_guidance_file(uploaded)
                form_self.instance.size = uploaded.size
            return uploaded

        form.clean_file = clean_file
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


class FrameworkDocumentVersionInline(admin.StackedInline):
    """Versions are added, never rewritten: the newest number is the one in force."""

    model = FrameworkDocumentVersion
    extra = 1
    fields = ["number", "body", "change_note", "created_by", "created_at"]
    readonly_fields = ["number", "created_by", "created_at"]
    ordering = ["-number"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FrameworkDocument)
class FrameworkDocumentAdmin(ScopedAdmin):
    """The framework's plans and workflows; their owners are reminded before the review date."""

    list_display = ["title", "kind", "municipality", "owner", "review_date"]
    list_filter = ["kind", "municipality"]
    search_fields = ["title", "summary"]
    list_select_related = ["municipality", "owner"]
    inlines = [FrameworkDocumentVersionInline]

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.instance.pk is None:
                inline_form.instance.created_by = request.user
        super().save_formset(request, form, formset, change)


@admin.register(KnowledgePage)
class KnowledgePageAdmin(AuditedAdmin):
    list_display = ["title", "slug", "updated_at", "updated_by"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
