from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import record
from core.models import Notification, NotificationPreference
from core.notifications.forms import NotificationPreferenceForm

PAGE_SIZE = 25


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user).only(
        "id", "kind", "subject", "body", "url", "created_at", "read_at", "due_date"
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("side"))
    return render(request, "core/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    if request.POST.get("open") and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        messages.success(request, _("Alle påmindelser er markeret som læst."))
    return redirect("notifications:list")


@login_required
def notification_preferences(request):
    preference = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(
        user=request.user
    )
    if request.method == "POST":
        form = NotificationPreferenceForm(request.POST, instance=preference)
        if form.is_valid():
            is_new = preference._state.adding
            form.save()
            record(
                actor=request.user,
                action="create" if is_new else "update",
                obj=form.instance,
                changes={"mode": form.instance.mode, "muted_kinds": form.instance.muted_kinds},
                request=request,
            )
            messages.success(request, _("Dine indstillinger for påmindelser er gemt."))
            return redirect("notifications:preferences")
    else:
        form = NotificationPreferenceForm(instance=preference)
    return render(request, "core/notification_preferences.html", {"form": form})
