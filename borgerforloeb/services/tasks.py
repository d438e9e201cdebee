"""Tasks of a case: creating and completing."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb.models import Case, Task, TimelineEvent
from borgerforloeb.services.events import acting_user, create_in_case, record_case_event, save_values
from core import audit
from core.models import AuditEvent


def create_task(
    *,
    actor,
    case: Case,
    title: str,
    responsible,
    due_date: date | None = None,
    description: str = "",
    meeting=None,
    request=None,
) -> Task:
    if responsible is None:
        raise ValidationError({"responsible": _("En opgave skal have præcis én ansvarlig.")}, code="required")
    task = Task(
        case=case,
        title=title,
        responsible=responsible,
        due_date=due_date,
        description=description,
        meeting=meeting,
        created_by=acting_user(actor),
    )
    return create_in_case(
        task,
        actor=actor,
        case=case,
        changes=audit.diff({}, {"title": title, "responsible": str(responsible), "due_date": due_date}),
        request=request,
        kind=TimelineEvent.Kind.TASK,
        summary=_("Opgave oprettet: %(title)s (ansvarlig: %(person)s)")
        % {"title": title, "person": responsible},
    )


def complete_task(*, actor, task: Task, request=None) -> Task:
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
        if task.status == Task.Status.DONE:
            return task
        save_values(
            task, status=Task.Status.DONE, completed_at=timezone.now(), completed_by=acting_user(actor)
        )
        record_case_event(
            actor=actor,
            case=task.case,
            action=AuditEvent.Action.UPDATE,
            obj=task,
            changes={"status": ["open", "done"]},
            request=request,
            kind=TimelineEvent.Kind.TASK,
            summary=_("Opgave udført: %(title)s") % {"title": task.title},
        )
    return task
