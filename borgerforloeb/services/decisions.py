"""Attention points and decisions of a case."""

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
    Meeting,
    TimelineEvent,
)
from borgerforloeb.services.events import acting_user, add_timeline, create_in_case
from core import audit
from core.models import AuditEvent


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
            point.status, point.note, point.updated_by = after["status"], after["note"], acting_user(actor)
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
    decision = Decision(
        case=case,
        text=text,
        decided_by=decided_by,
        citizen_involvement=citizen_involvement,
        decided_on=decided_on or timezone.localdate(),
        shared_with_citizen=shared_with_citizen,
        meeting=meeting,
        recorded_by=acting_user(actor),
    )
    return create_in_case(
        decision,
        actor=actor,
        case=case,
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
        kind=TimelineEvent.Kind.DECISION,
        summary=_("Beslutning: %(text)s") % {"text": text[:200]},
    )
