"""The plan: versions, saving with optimistic locking, acceptance."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb.models import Case, Goal, Plan, PlanAcceptance, PlanVersion, TimelineEvent
from borgerforloeb.services.citizens import citizen_sign_in_audit
from borgerforloeb.services.events import acting_user, record_case_event, snapshot
from core import audit
from core.models import AuditEvent


class StaleVersion(ValidationError):
    """Optimistic locking: someone saved the object since the user loaded it."""


PLAN_FIELDS = ["purpose", "efforts", "expected_duration", "other_matters", "next_review"]


def stale_plan_message() -> str:
    return _(
        "Planen er blevet gemt af en anden, siden du åbnede den. Dine ændringer er ikke gemt. "
        "Genindlæs siden for at se den nyeste version, og skriv dine ændringer ind igen."
    )


def new_plan_version(*, actor, case: Case, request=None) -> PlanVersion:
    """Start a draft: a copy of the latest version (content and goals), or an empty first one.

    Returns the existing draft when there is one (a plan has at most one draft).
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        plan, _created = Plan.objects.get_or_create(case=case)
        draft = plan.versions.filter(status=PlanVersion.Status.DRAFT).first()
        if draft is not None:
            return draft
        latest = plan.versions.order_by("-number").first()
        number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = PlanVersion(
            plan=plan, number=number, created_by=acting_user(actor), updated_by=acting_user(actor)
        )
        if latest is not None:
            for field in PLAN_FIELDS:
                setattr(version, field, getattr(latest, field))
            if latest.status == PlanVersion.Status.ACCEPTED:
                from borgerforloeb.models import six_months_ahead

                version.next_review = max(latest.next_review, six_months_ahead())
        version.save()
        if latest is not None:
            Goal.objects.bulk_create(
                [
                    Goal(version=version, text=g.text, who_helps=g.who_helps, order=g.order)
                    for g in latest.goals.all()
                ]
            )
        record_case_event(
            actor=actor,
            case=case,
            action=AuditEvent.Action.CREATE,
            obj=version,
            changes={"number": [None, number]},
            request=request,
            kind=TimelineEvent.Kind.PLAN,
            summary=_("Ny planversion %(number)s (kladde)") % {"number": number},
        )
    return version


def save_plan_version(
    *, actor, version: PlanVersion, lock_version: int, goals: list[dict] | None = None, request=None, **fields
) -> PlanVersion:
    """Save a draft's content with optimistic locking.

    ``lock_version`` is the value the user loaded; when someone saved in between, the save is
    refused with ``StaleVersion`` and nothing is written. ``goals`` (list of {"text", "who_helps"})
    replaces the draft's goals when given.
    """
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown plan fields: {sorted(unknown)}")
    with transaction.atomic():
        current = PlanVersion.objects.select_for_update().select_related("plan").get(pk=version.pk)
        if current.status != PlanVersion.Status.DRAFT:
            raise ValidationError(
                _("Kun en kladde kan ændres. Start en ny version for at ændre planen."), code="not_draft"
            )
        before = snapshot(current, PLAN_FIELDS)
        updated = PlanVersion.objects.filter(
            pk=current.pk, lock_version=lock_version, status=PlanVersion.Status.DRAFT
        ).update(
            **fields,
            lock_version=F("lock_version") + 1,
            updated_by=acting_user(actor),
            updated_at=timezone.now(),
        )
        if updated == 0:
            raise StaleVersion(stale_plan_message(), code="stale")
        if goals is not None:
            current.goals.all().delete()
            Goal.objects.bulk_create(
                [
                    Goal(version=current, text=g["text"], who_helps=g.get("who_helps", ""), order=i)
                    for i, g in enumerate(goals)
                    if (g.get("text") or "").strip()
                ]
            )
        current.refresh_from_db()
        changes = audit.diff(before, snapshot(current, PLAN_FIELDS))
        if goals is not None:
            changes["goals"] = [None, [g["text"] for g in goals if (g.get("text") or "").strip()]]
        record_case_event(
            actor=actor,
            case=current.plan.case,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            changes=audit.redact(changes),
            request=request,
            kind=TimelineEvent.Kind.PLAN,
            summary=_("Planversion %(number)s ændret") % {"number": current.number},
        )
    return current


def accept_plan_version(
    *,
    actor,
    version: PlanVersion,
    citizen_participation: str,
    participants=(),
    interpreter_name: str = "",
    note: str = "",
    lock_version: int | None = None,
    request=None,
    citizen_sign_in: str = "",
    invitation=None,
) -> PlanAcceptance:
    """The citizen and participants accept a draft: it becomes the plan, the previous one is
    superseded (kept readable). ``citizen_sign_in`` (and ``invitation``): the citizen accepted
    in Mit forløb themselves, signed in that way."""
    if citizen_participation not in PlanAcceptance.CitizenParticipation.values:
        raise ValidationError(
            {"citizen_participation": _("Angiv hvordan borgeren deltog.")}, code="citizen_participation"
        )
    with transaction.atomic():
        current = PlanVersion.objects.select_for_update().select_related("plan__case").get(pk=version.pk)
        if current.status != PlanVersion.Status.DRAFT:
            raise ValidationError(_("Denne version er allerede behandlet."), code="not_draft")
        if lock_version is not None and current.lock_version != lock_version:
            raise StaleVersion(stale_plan_message(), code="stale")
        now = timezone.now()
        PlanVersion.objects.filter(plan=current.plan, status=PlanVersion.Status.ACCEPTED).update(
            status=PlanVersion.Status.SUPERSEDED
        )
        current.status = PlanVersion.Status.ACCEPTED
        current.accepted_at = now
        current.lock_version += 1
        current.save(update_fields=["status", "accepted_at", "lock_version", "updated_at"])
        acceptance = PlanAcceptance.objects.create(
            version=current,
            accepted_at=now,
            recorded_by=acting_user(actor),
            citizen_participation=citizen_participation,
            interpreter_name=interpreter_name,
            note=note,
            citizen_sign_in=citizen_sign_in,
            invitation=invitation,
        )
        acceptance.participants.set(participants)
        case = current.plan.case
        record_case_event(
            actor=actor,
            case=case,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            changes={
                "status": ["draft", "accepted"],
                "citizen_participation": [None, citizen_participation],
                **citizen_sign_in_audit(citizen_sign_in, invitation),
            },
            request=request,
            kind=TimelineEvent.Kind.PLAN,
            summary=_("Planversion %(number)s accepteret (borgeren: %(how)s)")
            % {"number": current.number, "how": acceptance.get_citizen_participation_display().lower()},
        )
    return acceptance
