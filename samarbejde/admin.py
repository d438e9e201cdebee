"""Django admin for the framework, scoped by municipality through ``samarbejde.access``.

A municipality's administrator sees and edits only that municipality's rows; another
municipality's object is "not found" (404). Superusers see everything. Saves and deletes are
audited; deleting an organisation that is still in use is refused with an archive option.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samarbejde import services
from samarbejde.access import municipalities_administered_by
from samarbejde.models import (
    Channel,
    Forum,
    ForumAction,
    ForumMeeting,
    GuidanceDocument,
    KnowledgePage,
    Membership,
    Municipality,
    Organisation,
    Unit,
    WorkTool,
)
from samarbejde.uploads import validate_guidance_file


class AuditedAdmin(admin.ModelAdmin):
    """Every admin save and delete goes to the audit trail."""

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = services.snapshot(type(obj)._base_manager.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        services.audit_admin_save(actor=request.user, obj=obj, change=change, before=before, request=request)

    def delete_model(self, request, obj):
        services.delete_object(actor=request.user, obj=obj, request=request)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows (units, memberships, meetings, actions) are audited like the parent."""
        befores = {
            inline_form.instance.pk: services.snapshot(
                type(inline_form.instance)._base_manager.get(pk=inline_form.instance.pk)
            )
            for inline_form in formset.initial_forms
            if inline_form.instance.pk and inline_form.has_changed()
        }
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.delete_object(actor=request.user, obj=obj, request=request)
        for obj in instances:
            existed = obj.pk in befores
            obj.save()
            services.audit_admin_save(
                actor=request.user, obj=obj, change=existed, before=befores.get(obj.pk), request=request
            )
        formset.save_m2m()


class ScopedAdmin(AuditedAdmin):
    """Rows limited to ``Model.objects.editable_by(user)``; other rows are 404."""

    def get_queryset(self, request):
        return super().get_queryset(request) & self.model.objects.editable_by(request.user)

    def _check_object(self, request, object_id):
        if object_id and self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._check_object(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._check_object(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._check_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related is Municipality:
            kwargs["queryset"] = municipalities_administered_by(request.user)
            if not request.user.is_superuser:
                # Common rows (no municipality) are for superusers only.
                kwargs["required"] = True
        elif hasattr(related.objects, "editable_by"):
            kwargs["queryset"] = related.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects, "editable_by"):
            kwargs["queryset"] = related.objects.editable_by(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


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
    list_display = ["topic", "municipality", "way", "responsible_display", "updated_at"]
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


@admin.register(KnowledgePage)
class KnowledgePageAdmin(AuditedAdmin):
    list_display = ["title", "slug", "updated_at", "updated_by"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
