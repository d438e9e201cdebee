"""Tasks: the user's own list, creating and completing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from borgerforloeb import permissions, selectors
from borgerforloeb.forms.tasks import TaskForm
from borgerforloeb.models import Case, Task
from borgerforloeb.permissions import reads_case
from borgerforloeb.services.tasks import complete_task, create_task
from borgerforloeb.views.helpers import PAGE_SIZE, form_page, require
from core.forms import handle_post
from core.http import safe_next_url


@login_required
def my_tasks(request):
    """Mine opgaver: open tasks I am responsible for; overdue ones first and highlighted."""
    include_done = request.GET.get("udfoerte") == "1"
    page = selectors.my_tasks_page(
        request.user, include_done=include_done, number=request.GET.get("side"), size=PAGE_SIZE
    )
    return render(
        request,
        "borgerforloeb/my_tasks.html",
        {
            "page": page,
            "tasks": page.object_list,
            "include_done": include_done,
            "today": timezone.localdate(),
        },
    )


@reads_case
@login_required
def task_create(request, pk):
    case = selectors.visible_case(request.user, pk)
    require(permissions.can_add_task(request.user, case))
    form = TaskForm(request.POST or None, case=case)
    return handle_post(
        request,
        form,
        lambda data: create_task(actor=request.user, case=case, request=request, **data),
        success=_("Opgaven er oprettet."),
        redirect_to=case,
    ) or form_page(
        request,
        case,
        form,
        title=_("Ny opgave"),
        intro=_("Den ansvarlige vælges blandt forløbets tovholder og deltagere med login."),
    )


@login_required
@require_POST
def task_complete(request, task_pk):
    task = get_object_or_404(
        Task.objects.filter(case__in=Case.objects.visible_to(request.user).values("pk")).select_related(
            "case"
        ),
        pk=task_pk,
    )
    require(permissions.can_complete_task(request.user, task))
    complete_task(actor=request.user, task=task, request=request)
    messages.success(request, _("Opgaven “%(title)s” er markeret som udført.") % {"title": task.title})
    return redirect(safe_next_url(request, task.case.get_absolute_url()))
