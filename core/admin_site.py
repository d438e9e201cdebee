"""The portal's Django admin site: every relation scoped, every write audited.

Every ModelAdmin registered on the site (ours and third-party ones) gets ``PortalAdminMixin``,
and every inline ``PortalInlineMixin``:

- each foreign key and many-to-many form field (add and change pages, inlines, raw-id and
  autocomplete widgets) offers only the rows of ``scoped_queryset(related_model, user)``; an id
  outside that set in GET (``?field=<id>``) or POST is refused like any invalid choice, and its
  label is never rendered;
- ``/admin/autocomplete/`` answers within the same set;
- every save and delete (add, change, delete, the bulk delete action, inline rows) writes an
  audit row through ``core.audit`` (CPR values never go into it).

The rows a user may pick are declared once per model, by the app that owns the rule
(``register_scope`` in the app's ``admin.py``), using the same querysets as the pages
(``Case.objects.visible_to``, ``municipalities_administered_by``…). A model without a declared
rule offers nothing to anyone but superusers. ``SHARED`` marks vocabularies every staff user may
pick from (taxonomy, languages, schedules). Models in ``superuser_writes`` are read-only for
everyone else; models in ``superuser_only`` are hidden from everyone else.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.utils import NestedObjects, get_fields_from_path, quote, unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import router
from django.forms.models import model_to_dict
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core import audit
from core.models import AuditEvent

SHARED = "shared"

_scopes: dict[str, Callable | str] = {}
_superuser_writes: set[str] = set()
_superuser_only: set[str] = set()


def _label(model) -> str:
    return model if isinstance(model, str) else model._meta.label_lower


def register_scope(model, rule: Callable | str) -> None:
    """Declare which rows of ``model`` a (non-superuser) user may pick in admin.

    ``rule(user)`` returns a queryset of ``model``; ``SHARED`` means every row.
    """
    _scopes[_label(model).lower()] = rule


def has_scope(model) -> bool:
    return _label(model).lower() in _scopes


def is_shared(model) -> bool:
    return _scopes.get(_label(model).lower()) == SHARED


def superuser_writes(*models_) -> None:
    """Only superusers add, change or delete these models in admin; others may at most view."""
    _superuser_writes.update(_label(m).lower() for m in models_)


def superuser_only(*models_) -> None:
    """Only superusers see these models in admin at all."""
    _superuser_only.update(_label(m).lower() for m in models_)


def _is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


def scoped_queryset(model, user, queryset=None):
    """The rows of ``model`` that ``user`` may pick (``queryset`` narrows it further)."""
    qs = queryset if queryset is not None else model._default_manager.all()
    if _is_superuser(user):
        return qs
    rule = _scopes.get(_label(model).lower())
    if rule is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if rule == SHARED:
        return qs
    return qs.filter(pk__in=rule(user).values("pk"))


class ScopedForeignKeyRawIdWidget(widgets.ForeignKeyRawIdWidget):
    """A raw-id input that names the chosen object only when the user may see it."""

    def __init__(self, rel, admin_site, attrs=None, using=None, *, queryset):
        super().__init__(rel, admin_site, attrs, using)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            allowed = self.queryset.filter(**{key: value}).exists()
        except (ValueError, TypeError, ValidationError):
            allowed = False
        if not allowed:
            return "", ""
        return super().label_and_url_for_value(value)


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A changelist filter by a related object lists only the objects the user may pick."""

    def field_choices(self, field, request, model_admin):
        queryset = scoped_queryset(field.related_model, request.user)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        to_field = field.remote_field.get_related_field().attname
        return [(getattr(obj, to_field), str(obj)) for obj in queryset]


class _ScopedRelations:
    """Form fields for relations offer only what the user may pick (shared by admins and inlines)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = scoped_queryset(db_field.related_model, request.user, kwargs.get("queryset"))
        kwargs["queryset"] = queryset
        if "widget" not in kwargs and db_field.name in self.raw_id_fields:
            kwargs["widget"] = ScopedForeignKeyRawIdWidget(
                db_field.remote_field, self.admin_site, using=kwargs.get("using"), queryset=queryset
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = scoped_queryset(db_field.related_model, request.user, kwargs.get("queryset"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _writes_allowed(self, request) -> bool:
        label = self.model._meta.label_lower
        if label in _superuser_writes or label in _superuser_only:
            return _is_superuser(request.user)
        return True

    def _visible(self, request) -> bool:
        return self.model._meta.label_lower not in _superuser_only or _is_superuser(request.user)


def snapshot(obj) -> dict:
    """The object's editable fields for the audit trail; CPR fields and files are left out."""
    data = {}
    for key, value in model_to_dict(obj).items():
        if "cpr" in key.lower() or key in audit.SENSITIVE_FIELDS:
            continue
        if isinstance(value, list):
            value = sorted(str(getattr(v, "pk", v)) for v in value)
        elif hasattr(value, "name") and hasattr(value, "storage"):
            value = value.name
        data[key] = value
    return data


class PortalAdminMixin(_ScopedRelations):
    """Put on every ModelAdmin by ``PortalAdminSite.register``."""

    # --- who may do what ---

    def has_view_permission(self, request, obj=None):
        return self._visible(request) and super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return self._visible(request) and super().has_module_permission(request)

    def has_add_permission(self, request, *args):
        return self._writes_allowed(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._writes_allowed(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._writes_allowed(request) and super().has_delete_permission(request, obj)

    # --- rows: the same rule as the pickers; another row is "not found" ---

    def get_queryset(self, request):
        return scoped_queryset(self.model, request.user, super().get_queryset(request))

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

    def get_list_filter(self, request):
        scoped = []
        for item in super().get_list_filter(request):
            if isinstance(item, str):
                try:
                    field = get_fields_from_path(self.model, item)[-1]
                except FieldDoesNotExist:
                    field = None
                if field is not None and field.is_relation and not is_shared(field.related_model):
                    item = (item, ScopedRelatedFieldListFilter)
            elif (
                isinstance(item, tuple)
                and issubclass(item[1], admin.RelatedFieldListFilter)
                and not issubclass(item[1], ScopedRelatedFieldListFilter)
                and not is_shared(get_fields_from_path(self.model, item[0])[-1].related_model)
            ):
                item = (item[0], ScopedRelatedFieldListFilter)
            scoped.append(item)
        return scoped

    # --- what a delete would take with it ---

    def get_deleted_objects(self, objs, request):
        """As Django's, but a row the user may not see is not named, and its presence refuses the
        delete (nobody deletes, by cascade, what they cannot see)."""
        if _is_superuser(request.user):
            return super().get_deleted_objects(objs, request)
        try:
            first = objs[0]
        except IndexError:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
        collector.collect(objs)
        perms_needed = set()
        site = self.admin_site

        def format_callback(obj):
            opts = obj._meta
            name = capfirst(opts.verbose_name)
            if (
                not opts.auto_created
                and not scoped_queryset(type(obj), request.user).filter(pk=obj.pk).exists()
            ):
                perms_needed.add(opts.verbose_name)
                return format_html("{}: {}", name, _("(skjult)"))
            if not site.is_registered(type(obj)):
                return format_html("{}: {}", name, obj)
            if not site.get_model_admin(type(obj)).has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            try:
                url = reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
            except NoReverseMatch:
                return format_html("{}: {}", name, obj)
            return format_html('{}: <a href="{}">{}</a>', name, url, obj)

        to_delete = collector.nested(format_callback)
        protected = [format_callback(obj) for obj in collector.protected]
        model_count = {
            model._meta.verbose_name_plural: len(rows) for model, rows in collector.model_objs.items()
        }
        return to_delete, model_count, perms_needed, protected

    # --- initial values from the query string (?case=<id>) ---

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:  # not a model field: leave it to the form
                continue
            if not field.is_relation or not field.concrete:
                continue
            values = initial[name] if isinstance(initial[name], list) else [initial[name]]
            try:
                allowed = scoped_queryset(field.related_model, request.user).filter(pk__in=values).count()
            except (ValueError, TypeError, ValidationError):  # a malformed id is no id
                allowed = -1
            if allowed != len(set(values)):
                del initial[name]
        return initial

    # --- inlines get the same treatment ---

    def get_inlines(self, request, obj):
        return [portal_inline(inline) for inline in super().get_inlines(request, obj)]

    # --- many-to-many rows the user may not see stay as they were ---

    def save_form(self, request, form, change):
        form._hidden_m2m = {}
        if change and not _is_superuser(request.user) and form.instance.pk is not None:
            for field in self.model._meta.many_to_many:
                if field.name in form.fields:
                    current = getattr(type(form.instance)._base_manager.get(pk=form.instance.pk), field.name)
                    visible = scoped_queryset(field.related_model, request.user).values("pk")
                    form._hidden_m2m[field.name] = list(
                        current.exclude(pk__in=visible).values_list("pk", flat=True)
                    )
        return super().save_form(request, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for name, hidden in getattr(form, "_hidden_m2m", {}).items():
            if hidden:
                getattr(form.instance, name).add(*hidden)

    # --- the audit trail ---

    def audit_case_id(self, obj):
        """The citizen case ``obj`` belongs to, for the case's access log (None: no case)."""
        return None

    def audit_record(self, request, obj, action, before=None, after=None):
        audit.record(
            actor=request.user,
            action=action,
            obj=obj,
            changes=audit.diff(before or {}, after or {}),
            case_id=self.audit_case_id(obj),
            request=request,
            note="admin",
        )

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj)._base_manager.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        action = AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE
        self.audit_record(request, obj, action, before, snapshot(obj))

    def delete_model(self, request, obj):
        self.audit_record(request, obj, AuditEvent.Action.DELETE, snapshot(obj), {})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def delete_inline_object(self, request, obj):
        self.audit_record(request, obj, AuditEvent.Action.DELETE, snapshot(obj), {})
        obj.delete()

    def save_formset(self, request, form, formset, change):
        befores = {
            inline_form.instance.pk: snapshot(
                type(inline_form.instance)._base_manager.get(pk=inline_form.instance.pk)
            )
            for inline_form in formset.initial_forms
            if inline_form.instance.pk and inline_form.has_changed()
        }
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self.delete_inline_object(request, obj)
        for obj in instances:
            existed = obj.pk in befores
            obj.save()
            action = AuditEvent.Action.UPDATE if existed else AuditEvent.Action.CREATE
            self.audit_record(request, obj, action, befores.get(obj.pk), snapshot(obj))
        formset.save_m2m()


class PortalModelAdmin(PortalAdminMixin, admin.ModelAdmin):
    """Base class of the portal's own admin classes (subclasses override the hooks above)."""


class ReadOnlyAdminMixin:
    """For rows only the services write (the audit trail, the timeline): shown in the admin, but
    never added, changed or deleted there, also not by superusers. Put it before the admin base."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PortalInlineMixin(_ScopedRelations):
    def has_view_permission(self, request, obj=None):
        return self._visible(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj):
        return self._writes_allowed(request) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._writes_allowed(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._writes_allowed(request) and super().has_delete_permission(request, obj)


_wrapped_inlines: dict[type, type] = {}


def portal_inline(inline_class):
    if issubclass(inline_class, PortalInlineMixin):
        return inline_class
    if inline_class not in _wrapped_inlines:
        _wrapped_inlines[inline_class] = type(
            inline_class.__name__,
            (PortalInlineMixin, inline_class),
            {"__module__": inline_class.__module__, "__qualname__": inline_class.__qualname__},
        )
    return _wrapped_inlines[inline_class]


def portal_admin(admin_class):
    if issubclass(admin_class, PortalAdminMixin):
        return admin_class
    return type(
        admin_class.__name__,
        (PortalAdminMixin, admin_class),
        {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
    )


class ScopedAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete answers within what the user may pick for that field."""

    def get_queryset(self):
        qs = super().get_queryset()
        return scoped_queryset(self.source_field.related_model, self.request.user, qs)


class PortalAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = portal_admin(admin_class or admin.ModelAdmin)
        return super().register(model_or_iterable, admin_class, **options)

    def autocomplete_view(self, request):
        return ScopedAutocompleteJsonView.as_view(admin_site=self)(request)
