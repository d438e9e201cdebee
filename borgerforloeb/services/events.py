"""What every case workflow writes besides its own rows: the timeline entry."""

from __future__ import annotations

from django.utils import timezone

from borgerforloeb.models import TimelineEvent
from core import audit


def add_timeline(*, case, kind, actor, summary, obj=None, at=None) -> TimelineEvent:
    """Append an event to the case's timeline (``summary`` is redacted for CPR numbers)."""
    return TimelineEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        summary=audit.redact(str(summary))[:300],
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}" if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        at=at or timezone.now(),
    )


def snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def acting_user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def plain_values(snapshot: dict) -> dict:
    return {k: (str(v) if hasattr(v, "pk") else v) for k, v in snapshot.items()}
