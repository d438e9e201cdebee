from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.admin_site import (
    PortalAdminMixin,
    PortalModelAdmin,
    ReadOnlyAdminMixin,
    register_scope,
    scoped_queryset,
    superuser_only,
    superuser_writes,
)
from core.models import AuditEvent, Notification, NotificationPreference, User

# Rows of core a user other than a superuser may see or pick in admin: their own. (Who may pick
# which people is the framework's rule, declared in samarbejde.admin.)
register_scope(AuditEvent, lambda user: AuditEvent.objects.filter(actor=user))
register_scope(Notification, lambda user: Notification.objects.filter(recipient=user))
register_scope(NotificationPreference, lambda user: NotificationPreference.objects.filter(user=user))
superuser_writes(User, "auth.group", "auth.permission")
# The global Celery schedules run for every municipality: superusers only.
superuser_only(
    "django_celery_beat.periodictask",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.solarschedule",
    "django_celery_beat.clockedschedule",
)


@admin.register(User)
class UserAdmin(PortalAdminMixin, BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["full_name", "email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "language"]}),
        (
            _("Rettigheder"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Datoer"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, PortalModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["at", "actor", "action", "object_type", "object_repr", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "object_repr", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    # Rows name citizens and cases: only superusers see the whole trail; other staff with the
    # view permission see their own actions (registered scope above; a case's log is on the
    # case page).


class NotificationReadFilter(admin.SimpleListFilter):
    title = _("læst")
    parameter_name = "laest"

    def lookups(self, request, model_admin):
        return [("ja", _("Læst")), ("nej", _("Ulæst"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(read_at__isnull=False)
        if self.value() == "nej":
            return queryset.filter(read_at__isnull=True)
        return queryset


class SendTestNotificationForm(forms.Form):
    recipient = forms.ModelChoiceField(
        label=_("Modtager"), queryset=User.objects.filter(is_active=True).order_by("full_name")
    )


@admin.register(Notification)
class NotificationAdmin(PortalModelAdmin):
    """The reminder log: who was told what, and whether the e-mail went out."""

    change_list_template = "core/notification_admin_change_list.html"
    list_display = [
        "created_at",
        "recipient",
        "kind",
        "due_date",
        "email_status",
        "email_attempts",
        "read_at",
    ]
    list_filter = ["email_status", NotificationReadFilter, "kind", "due_date"]
    search_fields = ["recipient__email", "recipient__full_name", "event_key", "subject"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["send_test_to_recipients", "retry_email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        urls = [
            path(
                "send-test/",
                self.admin_site.admin_view(self.send_test_view),
                name="core_notification_send_test",
            )
        ]
        return urls + super().get_urls()

    def send_test_view(self, request):
        from core.notifications import send_test_notification

        if not self.has_view_permission(request):
            raise PermissionDenied
        form = SendTestNotificationForm(request.POST or None, initial={"recipient": request.user.pk})
        form.fields["recipient"].queryset = scoped_queryset(
            User, request.user, form.fields["recipient"].queryset
        )
        if request.method == "POST" and form.is_valid():
            recipient = form.cleaned_data["recipient"]
            send_test_notification(recipient=recipient, actor=request.user)
            self.message_user(request, _("Test-påmindelse sendt til %(name)s.") % {"name": recipient})
            return redirect("admin:core_notification_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "title": _("Send test-påmindelse")}
        return TemplateResponse(request, "core/notification_admin_send_test.html", context)

    @admin.action(description=_("Send test-påmindelse til de valgte modtagere"))
    def send_test_to_recipients(self, request, queryset):
        from core.notifications import send_test_notification

        recipients = User.objects.filter(pk__in=queryset.values("recipient_id"))
        for recipient in recipients:
            send_test_notification(recipient=recipient, actor=request.user)
        self.message_user(
            request, _("Test-påmindelse sendt til %(count)d modtagere.") % {"count": len(recipients)}
        )

    @admin.action(description=_("Prøv at sende fejlede e-mails igen"))
    def retry_email(self, request, queryset):
        from core.notifications.service import enqueue

        ids = list(queryset.filter(email_status=Notification.EmailStatus.FAILED).values_list("pk", flat=True))
        transaction.on_commit(lambda: enqueue(ids), robust=True)
        self.message_user(request, _("%(count)d e-mails sat i kø igen.") % {"count": len(ids)})


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(PortalModelAdmin):
    list_display = ["user", "mode", "muted_kinds"]
    list_filter = ["mode"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]


# Authenticator keys and recovery codes (django-otp) are never shown in admin, not even to
# superusers; a lost phone is handled with `manage.py reset_two_factor <e-mail>` (audited).
def _hide_two_factor_devices():
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_hide_two_factor_devices()
