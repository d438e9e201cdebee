"""Efforts and referrals to receiving organisations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb.models import Case, Effort, TimelineEvent
from borgerforloeb.services.events import acting_user, plain_values, record_case_event, snapshot
from borgerforloeb.services.handoffs import announce_referral
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
    "decline_reason_kind",
    "start_date",
    "end_date",
]


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
        effort.decline_reason_kind = ""
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
    if (
        status == Effort.Status.DECLINED
        and fields.get("decline_reason_kind") not in Effort.DeclineKind.values
    ):
        raise ValidationError(
            {"decline_reason_kind": _("Vælg hvorfor indsatsen er afvist.")}, code="reason_kind_required"
        )
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
            before = plain_values(snapshot(effort, EFFORT_FIELDS))
            action = AuditEvent.Action.UPDATE
        old_status = effort.status if before else None
        for key, value in fields.items():
            setattr(effort, key, value)
        if effort.status != old_status:
            _apply_effort_status(effort, effort.status, now)
        if effort.status != Effort.Status.DECLINED:
            effort.decline_reason_kind = ""
        effort.full_clean()
        effort.save()
        after = plain_values(snapshot(effort, EFFORT_FIELDS))
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
        record_case_event(
            actor=actor,
            case=case,
            action=action,
            obj=effort,
            changes=audit.diff(before, after),
            request=request,
            kind=TimelineEvent.Kind.EFFORT,
            summary=summary,
        )
        if effort.status != old_status and effort.status in (
            Effort.Status.REFERRED,
            Effort.Status.ACCEPTED,
            Effort.Status.DECLINED,
        ):
            announce_referral(effort)
    return effort


def answer_referral(
    *, actor, effort: Effort, accept: bool, reason: str = "", reason_kind: str = "", request=None
) -> Effort:
    """The receiving organisation accepts or declines a referred effort (to decline, a kind of
    reason from ``Effort.DeclineKind`` and a reason in words are required). Only a referred effort
    can be answered."""
    if not accept and reason_kind not in Effort.DeclineKind.values:
        raise ValidationError(
            {"reason_kind": _("Vælg hvorfor henvisningen afvises.")}, code="reason_kind_required"
        )
    if not accept and not (reason or "").strip():
        raise ValidationError({"reason": _("Skriv hvorfor henvisningen afvises.")}, code="reason_required")
    with transaction.atomic():
        effort = Effort.objects.select_for_update().select_related("case").get(pk=effort.pk)
        if effort.status != Effort.Status.REFERRED:
            raise ValidationError(_("Henvisningen er allerede besvaret."), code="answered")
        effort.status = Effort.Status.ACCEPTED if accept else Effort.Status.DECLINED
        effort.decline_reason = "" if accept else reason.strip()
        effort.decline_reason_kind = "" if accept else reason_kind
        effort.answered_at = timezone.now()
        effort.answered_by = acting_user(actor)
        effort.save(
            update_fields=[
                "status",
                "decline_reason",
                "decline_reason_kind",
                "answered_at",
                "answered_by",
                "updated_at",
            ]
        )
        if accept:
            summary = _("%(organisation)s har accepteret henvisningen: %(title)s")
        else:
            summary = _("%(organisation)s har afvist henvisningen: %(title)s")
        record_case_event(
            actor=actor,
            case=effort.case,
            action=AuditEvent.Action.UPDATE,
            obj=effort,
            changes={
                "status": ["referred", effort.status],
                "decline_reason": [None, effort.decline_reason],
                "decline_reason_kind": [None, effort.decline_reason_kind],
            },
            note="referral_answer",
            request=request,
            kind=TimelineEvent.Kind.EFFORT,
            summary=summary
            % {"organisation": effort.receiving_organisation or _("Modtageren"), "title": effort.title},
        )
        announce_referral(effort)
    return effort
