"""What every case workflow writes besides its own rows: the audit row and the timeline entry.

A workflow that changes a case calls ``record_case_event`` once per event, inside its
transaction, so the audit trail and the case's timeline always tell the same story (the way
Zulip's ``do_*`` actions write their audit log where they act).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from borgerforloeb.models import TimelineEvent
from core import audit
from core.models import AuditEvent


def add_timeline(*, case, kind, actor, summary, obj=None, at=None) -> TimelineEvent:
    """Append an event to the case's timeline (``summary`` is redacted for CPR numbers)."""
    return TimelineEvent.objects.create(
        case=case,
        kind=kind,
        actor=acting_user(actor),
        summary=audit.redact(str(summary))[:300],
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}" if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        at=at or timezone.now(),
    )


def snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def acting_user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def save_values(obj, **values) -> None:
    """Set ``values`` on ``obj`` and save those fields only."""
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(values))


def plain_values(snapshot: dict) -> dict:
    return {k: (str(v) if hasattr(v, "pk") else v) for k, v in snapshot.items()}


def record_case_event(
    *,
    actor,
    case,
    action: str,
    obj,
    kind: str,
    summary,
    changes: dict | None = None,
    note: str = "",
    request=None,
    at=None,
) -> TimelineEvent:
    """Record one event of ``case``: the audit row for ``obj`` (``action``, ``changes``, ``note``)
    and the timeline entry naming ``obj`` (``kind``, ``summary``). Call it inside the workflow's
    transaction: both are written or neither."""
    audit.record(
        actor=actor, action=action, obj=obj, case_id=case.pk, changes=changes, request=request, note=note
    )
    return add_timeline(
        case=case,
        kind=kind,
        actor=actor,
        summary=summary,
        obj=obj,
        at=at,
    )


def create_in_case(obj, *, actor, case, kind, summary, changes: dict | None = None, request=None):
    """Validate and save the new ``obj`` of ``case`` and record its creation (audit row and
    timeline entry), all in one transaction. Returns ``obj``."""
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        record_case_event(
            actor=actor,
            case=case,
            action=AuditEvent.Action.CREATE,
            obj=obj,
            changes=changes,
            request=request,
            kind=kind,
            summary=summary,
        )
    return obj
