"""Meetings: planning and minutes (with decisions and tasks made in the meeting)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb.models import Case, Decision, Meeting, TimelineEvent
from borgerforloeb.services.decisions import record_decision
from borgerforloeb.services.events import acting_user, plain_values, record_case_event, snapshot
from borgerforloeb.services.tasks import create_task
from core import audit
from core.models import AuditEvent

MEETING_FIELDS = [
    "title",
    "starts_at",
    "ends_at",
    "place",
    "interpreter_needed",
    "interpreter_language",
    "interpreter_name",
    "interpreter_booked",
    "agenda",
]


def save_meeting(
    *, actor, case: Case, meeting: Meeting | None = None, participants=(), request=None, **fields
) -> Meeting:
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    with transaction.atomic():
        if meeting is None:
            meeting = Meeting(case=case, created_by=acting_user(actor))
            before = {}
        else:
            meeting = Meeting.objects.select_for_update().get(pk=meeting.pk, case=case)
            before = plain_values(snapshot(meeting, MEETING_FIELDS))
            before["participants"] = sorted(str(u) for u in meeting.participants.all())
        for key, value in fields.items():
            setattr(meeting, key, value)
        if not meeting.interpreter_needed:
            meeting.interpreter_booked = False
        meeting.full_clean()
        meeting.save()
        meeting.participants.set(participants)
        after = plain_values(snapshot(meeting, MEETING_FIELDS))
        after["participants"] = sorted(str(u) for u in participants)
        when = timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y %H:%M")
        summary = (_("Møde ændret: %(when)s") if before else _("Møde planlagt: %(when)s")) % {"when": when}
        record_case_event(
            actor=actor,
            case=case,
            action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
            obj=meeting,
            changes=audit.redact(audit.diff(before, after)),
            request=request,
            kind=TimelineEvent.Kind.MEETING,
            summary=summary,
        )
    return meeting


def record_minutes(
    *, actor, meeting: Meeting, minutes: str, decisions=(), tasks=(), request=None
) -> tuple[list[Decision], list]:
    """Save the minutes, and the decisions and tasks agreed at the meeting, in one transaction.

    ``decisions``: dicts with text, decided_by, citizen_involvement, shared_with_citizen.
    ``tasks``: dicts with title, responsible, due_date (each task has exactly one responsible).
    """
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
        before = meeting.minutes
        meeting.minutes = minutes
        meeting.save(update_fields=["minutes"])
        record_case_event(
            actor=actor,
            case=meeting.case,
            action=AuditEvent.Action.UPDATE,
            obj=meeting,
            changes=audit.redact({"minutes": [before, minutes]}) if before != minutes else {},
            note="minutes",
            request=request,
            kind=TimelineEvent.Kind.MEETING,
            summary=_("Referat gemt for mødet %(meeting)s") % {"meeting": meeting},
        )
        made_decisions = [
            record_decision(actor=actor, case=meeting.case, meeting=meeting, request=request, **data)
            for data in decisions
        ]
        made_tasks = [
            create_task(
                actor=actor,
                case=meeting.case,
                title=data["title"],
                responsible=data["responsible"],
                due_date=data.get("due_date"),
                meeting=meeting,
                request=request,
            )
            for data in tasks
        ]
    return made_decisions, made_tasks
