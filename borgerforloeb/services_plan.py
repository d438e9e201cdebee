"""Workflows for efforts and referrals, meetings, attention points and decisions.

Same contract as ``services.py``: keyword-only, ``actor=``, one transaction, an audit row and a
timeline event for every write; rule violations raise ``ValidationError`` with Danish messages.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb.models import (
    AttentionPoint,
    AttentionPointTemplate,
    Case,
    Decision,
    Effort,
    Meeting,
    TimelineEvent,
)
from borgerforloeb.services import _snapshot, _user, add_timeline, create_task
from core import audit
from core.models import AuditEvent

EFFORT_FIELDS = [
    "title",
    "description",
    "offer",
    "receiving_organisation",
    "responsible",
    "status",
    "decline_reason",
    "start_date",
    "end_date",
]
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


def _plain(snapshot: dict) -> dict:
    return {k: (str(v) if hasattr(v, "pk") else v) for k, v in snapshot.items()}


# --- Efforts and referrals ---------------------------------------------------------------------


def _apply_effort_status(effort: Effort, status: str, now):
    """Set the dates that go with a status change."""
    if status == Effort.Status.REFERRED and effort.referred_at is None:
        effort.referred_at = now
    if status == Effort.Status.STARTED and effort.start_date is None:
        effort.start_date = timezone.localdate()
    if status == Effort.Status.ENDED and effort.end_date is None:
        effort.end_date = timezone.localdate()
    if status != Effort.Status.DECLINED:
        effort.decline_reason = ""
    if status == Effort.Status.REFERRED:
        effort.answered_at = None
        effort.answered_by = None


def save_effort(*, actor, case: Case, effort: Effort | None = None, request=None, **fields) -> Effort:
    """Create (``effort=None``) or update an effort of ``case``."""
    unknown = set(fields) - set(EFFORT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown effort fields: {sorted(unknown)}")
    if fields.get("responsible") is None and effort is None:
        raise ValidationError({"responsible": _("En indsats skal have én ansvarlig.")}, code="required")
    status = fields.get("status")
    if status == Effort.Status.DECLINED and not (fields.get("decline_reason") or "").strip():
        raise ValidationError(
            {"decline_reason": _("Skriv hvorfor indsatsen er afvist.")}, code="reason_required"
        )
    if fields.get("offer") is not None and fields.get("receiving_organisation") is None:
        fields["receiving_organisation"] = fields["offer"].organisation
    with transaction.atomic():
        now = timezone.now()
        if effort is None:
            effort = Effort(case=case)
            before = {}
            action = AuditEvent.Action.CREATE
        else:
            effort = Effort.objects.select_for_update().get(pk=effort.pk, case=case)
            before = _plain(_snapshot(effort, EFFORT_FIELDS))
            action = AuditEvent.Action.UPDATE
        old_status = effort.status if before else None
        for key, value in fields.items():
            setattr(effort, key, value)
        if effort.status != old_status:
            _apply_effort_status(effort, effort.status, now)
        effort.full_clean()
        effort.save()
        after = _plain(_snapshot(effort, EFFORT_FIELDS))
        audit.record(
            actor=actor,
            action=action,
            obj=effort,
            case_id=case.pk,
            changes=audit.diff(before, after),
            request=request,
        )
        if not before:
            summary = _("Indsats oprettet: %(title)s (%(status)s, ansvarlig: %(person)s)") % {
                "title": effort.title,
                "status": effort.get_status_display().lower(),
                "person": effort.responsible,
            }
        elif effort.status != old_status:
            summary = _("Indsatsen %(title)s er nu: %(status)s") % {
                "title": effort.title,
                "status": effort.get_status_display().lower(),
            }
        else:
            summary = _("Indsats ændret: %(title)s") % {"title": effort.title}
        add_timeline(case=case, kind=TimelineEvent.Kind.EFFORT, actor=actor, summary=summary, obj=effort)
    return effort


def answer_referral(*, actor, effort: Effort, accept: bool, reason: str = "", request=None) -> Effort:
    """The receiving organisation accepts or declines a referred effort (a reason is required to
    decline). Only a referred effort can be answered."""
    if not accept and not (reason or "").strip():
        raise ValidationError({"reason": _("Skriv hvorfor henvisningen afvises.")}, code="reason_required")
    with transaction.atomic():
        effort = Effort.objects.select_for_update().select_related("case").get(pk=effort.pk)
        if effort.status != Effort.Status.REFERRED:
            raise ValidationError(_("Henvisningen er allerede besvaret."), code="answered")
        effort.status = Effort.Status.ACCEPTED if accept else Effort.Status.DECLINED
        effort.decline_reason = "" if accept else reason.strip()
        effort.answered_at = timezone.now()
        effort.answered_by = _user(actor)
        effort.save(update_fields=["status", "decline_reason", "answered_at", "answered_by", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=effort,
            case_id=effort.case_id,
            changes={"status": ["referred", effort.status], "decline_reason": [None, effort.decline_reason]},
            request=request,
            note="referral_answer",
        )
        if accept:
            summary = _("%(organisation)s har accepteret henvisningen: %(title)s")
        else:
            summary = _("%(organisation)s har afvist henvisningen: %(title)s")
        add_timeline(
            case=effort.case,
            kind=TimelineEvent.Kind.EFFORT,
            actor=actor,
            summary=summary
            % {"organisation": effort.receiving_organisation or _("Modtageren"), "title": effort.title},
            obj=effort,
        )
    return effort


# --- Meetings ----------------------------------------------------------------------------------


def save_meeting(
    *, actor, case: Case, meeting: Meeting | None = None, participants=(), request=None, **fields
) -> Meeting:
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    with transaction.atomic():
        if meeting is None:
            meeting = Meeting(case=case, created_by=_user(actor))
            before = {}
        else:
            meeting = Meeting.objects.select_for_update().get(pk=meeting.pk, case=case)
            before = _plain(_snapshot(meeting, MEETING_FIELDS))
            before["participants"] = sorted(str(u) for u in meeting.participants.all())
        for key, value in fields.items():
            setattr(meeting, key, value)
        if not meeting.interpreter_needed:
            meeting.interpreter_booked = False
        meeting.full_clean()
        meeting.save()
        meeting.participants.set(participants)
        after = _plain(_snapshot(meeting, MEETING_FIELDS))
        after["participants"] = sorted(str(u) for u in participants)
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
            obj=meeting,
            case_id=case.pk,
            changes=audit.redact(audit.diff(before, after)),
            request=request,
        )
        when = timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y %H:%M")
        summary = (_("Møde ændret: %(when)s") if before else _("Møde planlagt: %(when)s")) % {"when": when}
        add_timeline(case=case, kind=TimelineEvent.Kind.MEETING, actor=actor, summary=summary, obj=meeting)
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
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=meeting,
            case_id=meeting.case_id,
            changes=audit.redact({"minutes": [before, minutes]}) if before != minutes else {},
            request=request,
            note="minutes",
        )
        add_timeline(
            case=meeting.case,
            kind=TimelineEvent.Kind.MEETING,
            actor=actor,
            summary=_("Referat gemt for mødet %(meeting)s") % {"meeting": meeting},
            obj=meeting,
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


# --- Attention points --------------------------------------------------------------------------


def ensure_attention_points(*, case: Case) -> list[AttentionPoint]:
    """Create the checklist from the municipality's template (or the default) when points are
    missing; existing points are kept as they are. Returns the case's points in order."""
    existing = set(AttentionPoint.objects.filter(case=case).values_list("key", flat=True))
    items = AttentionPointTemplate.items_for(case.municipality)
    missing = [
        AttentionPoint(case=case, key=item["key"], label=item["label"], order=index)
        for index, item in enumerate(items)
        if item.get("key") and item["key"] not in existing
    ]
    if missing:
        AttentionPoint.objects.bulk_create(missing, ignore_conflicts=True)
    return list(AttentionPoint.objects.filter(case=case).select_related("updated_by").order_by("order", "id"))


def update_attention_points(*, actor, case: Case, changes: dict, request=None) -> int:
    """``changes``: {point pk: {"status": ..., "note": ...}}. Only changed points are written."""
    with transaction.atomic():
        points = {p.pk: p for p in AttentionPoint.objects.select_for_update().filter(case=case)}
        changed = []
        for pk, data in changes.items():
            point = points.get(pk)
            if point is None:
                continue
            before = {"status": point.status, "note": point.note}
            after = {"status": data["status"], "note": data.get("note", "")}
            if before == after:
                continue
            point.status, point.note, point.updated_by = after["status"], after["note"], _user(actor)
            point.full_clean()
            point.save(update_fields=["status", "note", "updated_by", "updated_at"])
            audit.record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=point,
                case_id=case.pk,
                changes=audit.redact(audit.diff(before, after)),
                request=request,
            )
            changed.append(point)
        if changed:
            add_timeline(
                case=case,
                kind=TimelineEvent.Kind.ATTENTION,
                actor=actor,
                summary=_("Opmærksomhedspunkter opdateret: %(points)s")
                % {"points": ", ".join(p.label for p in changed)},
            )
    return len(changed)


# --- Decisions ---------------------------------------------------------------------------------


def record_decision(
    *,
    actor,
    case: Case,
    text: str,
    decided_by: str,
    citizen_involvement: str,
    decided_on: date | None = None,
    shared_with_citizen: bool = False,
    meeting: Meeting | None = None,
    request=None,
) -> Decision:
    if not (citizen_involvement or "").strip():
        raise ValidationError(
            {"citizen_involvement": _("Skriv hvordan borgeren var involveret i beslutningen.")},
            code="citizen_involvement",
        )
    with transaction.atomic():
        decision = Decision(
            case=case,
            text=text,
            decided_by=decided_by,
            citizen_involvement=citizen_involvement,
            decided_on=decided_on or timezone.localdate(),
            shared_with_citizen=shared_with_citizen,
            meeting=meeting,
            recorded_by=_user(actor),
        )
        decision.full_clean()
        decision.save()
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=decision,
            case_id=case.pk,
            changes=audit.redact(
                audit.diff(
                    {},
                    {
                        "text": text,
                        "decided_by": decided_by,
                        "citizen_involvement": citizen_involvement,
                        "shared_with_citizen": shared_with_citizen,
                    },
                )
            ),
            request=request,
        )
        add_timeline(
            case=case,
            kind=TimelineEvent.Kind.DECISION,
            actor=actor,
            summary=_("Beslutning: %(text)s") % {"text": text[:200]},
            obj=decision,
        )
    return decision
