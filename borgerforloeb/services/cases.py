"""Cases and their coordinator: opening, assigning, handing over, changing status."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb import signals
from borgerforloeb.models import (
    AttentionPoint,
    AttentionPointTemplate,
    Case,
    Citizen,
    Consent,
    CoordinatorAssignment,
    TimelineEvent,
)
from borgerforloeb.permissions import is_municipal_of_case
from borgerforloeb.services.citizens import check_own_municipality
from borgerforloeb.services.events import acting_user, record_case_event
from core import audit
from core.models import AuditEvent
from samarbejde.models import Organisation


class CoordinatorAlreadyActive(ValidationError):
    """The case already has an active coordinator: use ``hand_over_case``."""


def open_case(
    *,
    actor,
    citizen: Citizen,
    municipality=None,
    summary: str = "",
    start_date: date | None = None,
    coordinator=None,
    coordinator_organisation=None,
    reason: str = "",
    request=None,
) -> Case:
    """Open a case for ``citizen``; optionally assign its coordinator in the same transaction.

    The case belongs to the citizen's own municipality and is opened by one of its caseworkers
    (a participant from another municipality cannot open a case for the citizen there).
    """
    check_own_municipality(actor, citizen)
    if municipality is not None and municipality.pk != citizen.municipality_id:
        raise ValidationError(_("Et forløb oprettes i borgerens egen kommune."), code="not_own_municipality")
    with transaction.atomic():
        case = Case.objects.create(
            citizen=citizen,
            municipality=municipality or citizen.municipality,
            summary=summary,
            start_date=start_date or timezone.localdate(),
            created_by=acting_user(actor),
        )
        record_case_event(
            actor=actor,
            case=case,
            action=AuditEvent.Action.CREATE,
            obj=case,
            changes=audit.diff({}, {"summary": summary, "municipality": str(case.municipality)}),
            request=request,
            kind=TimelineEvent.Kind.CASE,
            summary=_("Forløbet blev oprettet"),
        )
        for index, item in enumerate(AttentionPointTemplate.items_for(case.municipality)):
            AttentionPoint.objects.create(case=case, key=item["key"], label=item["label"], order=index)
        if coordinator is not None:
            assign_coordinator(
                actor=actor,
                case=case,
                person=coordinator,
                organisation=coordinator_organisation,
                reason=reason,
                request=request,
            )
    return case


def check_consent_covers(*, case: Case, organisation=None, user=None) -> None:
    """Raise ValidationError unless ``organisation``/``user`` may take part in ``case``.

    Staff of the case's own municipality's municipal organisations need no consent; everyone
    else needs a valid consent covering their organisation or them personally.
    """
    if is_municipal_of_case(case, organisation):
        return
    if Consent.objects.covering(case=case, organisation=organisation, user=user).exists():
        return
    if organisation is not None:
        message = _(
            "Borgerens samtykke dækker ikke %(organisation)s. Registrér et samtykke, der omfatter "
            "organisationen eller personen, før vedkommende kan deltage."
        ) % {"organisation": organisation.name}
    else:
        message = _(
            "Borgerens samtykke dækker ikke denne person. Registrér et samtykke, der omfatter "
            "personen eller dennes organisation, før vedkommende kan deltage."
        )
    raise ValidationError(message, code="no_consent")


def check_member_of(person, organisation) -> None:
    """A person takes part for an organisation only as one of its members (and not an archived
    one). The database holds the same rule (``borgerforloeb_participant_org_membership``)."""
    if person is None or organisation is None:
        return
    member = person.memberships.filter(organisation=organisation).exists()
    if organisation.archived_at is not None or not member:
        raise ValidationError(
            {"organisation": _("Personen er ikke medlem af den valgte organisation.")}, code="not_a_member"
        )


def default_organisation(case, person, organisation):
    """The person's organisation: the given one (which must be one of theirs), else an active
    membership (own municipality first)."""
    if person is None:
        return organisation
    if organisation is not None:
        check_member_of(person, organisation)
        return organisation
    orgs = list(Organisation.objects.active().filter(memberships__user=person).order_by("name"))
    for org in orgs:
        if is_municipal_of_case(case, org):
            return org
    return orgs[0] if orgs else None


def _lock_open_case(case: Case) -> Case:
    """The case row, locked for this transaction (coordinator changes run one after the other);
    a closed case gets no new coordinator."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("Forløbet er afsluttet."), code="closed")
    return case


def _coordinator_organisation(case, person, organisation):
    """The organisation the coordinator acts for (see ``default_organisation``); outside the
    case's own municipality the citizen's consent must cover it or the person."""
    organisation = default_organisation(case, person, organisation)
    if not is_municipal_of_case(case, organisation):
        check_consent_covers(case=case, organisation=organisation, user=person)
    return organisation


def _announce_coordinator(
    *, actor, case, assignment, old_person, changes, summary, note="", request=None
) -> None:
    """The audit row and timeline entry of a new coordinator assignment, and the signal."""
    record_case_event(
        actor=actor,
        case=case,
        action=AuditEvent.Action.CREATE,
        obj=assignment,
        changes=changes,
        note=note,
        request=request,
        kind=TimelineEvent.Kind.COORDINATOR,
        summary=summary,
    )
    signals.coordinator_changed.send(
        sender=Case,
        case=case,
        old_user=old_person,
        new_user=assignment.person,
        actor=actor,
        assignment=assignment,
    )


def assign_coordinator(
    *, actor, case: Case, person, organisation=None, reason: str = "", request=None
) -> CoordinatorAssignment:
    """Give a case without an active coordinator its coordinator.

    Raises ``CoordinatorAlreadyActive`` when one is active (the UI then offers a handover);
    the partial unique constraint makes a second active coordinator impossible anyway.
    """
    already_active = _("Forløbet har allerede en aktiv tovholder. Brug overdragelse i stedet.")
    with transaction.atomic():
        case = _lock_open_case(case)
        if CoordinatorAssignment.objects.active().filter(case=case).exists():
            raise CoordinatorAlreadyActive(already_active, code="already_active")
        organisation = _coordinator_organisation(case, person, organisation)
        try:
            with transaction.atomic():
                assignment = CoordinatorAssignment.objects.create(
                    case=case,
                    person=person,
                    organisation=organisation,
                    reason=reason,
                    created_by=acting_user(actor),
                )
        except IntegrityError:
            raise CoordinatorAlreadyActive(already_active, code="already_active") from None
        _announce_coordinator(
            actor=actor,
            case=case,
            assignment=assignment,
            old_person=None,
            changes=audit.diff(
                {}, {"person": str(person), "organisation": str(organisation or ""), "reason": reason}
            ),
            summary=_("%(person)s blev tovholder") % {"person": person},
            request=request,
        )
    return assignment


def hand_over_case(
    *, actor, case: Case, new_person, reason: str, organisation=None, request=None
) -> CoordinatorAssignment:
    """End the active coordinator assignment and start a new one, in one transaction.

    The case row is locked (``select_for_update``) so concurrent handovers run one after the
    other; the partial unique constraint guarantees one active coordinator whatever happens.
    """
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Skriv hvorfor forløbet overdrages.")}, code="reason_required")
    with transaction.atomic():
        case = _lock_open_case(case)
        old = (
            CoordinatorAssignment.objects.select_for_update()
            .active()
            .filter(case=case)
            .select_related("person")
            .first()
        )
        if old is not None and old.person_id == new_person.pk:
            raise ValidationError(
                {"new_person": _("%(person)s er allerede tovholder for forløbet.") % {"person": new_person}},
                code="same_person",
            )
        organisation = _coordinator_organisation(case, new_person, organisation)
        now = timezone.now()
        if old is not None:
            old.ended_at = now
            old.save(update_fields=["ended_at"])
            audit.record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=old,
                case_id=case.pk,
                changes={"ended_at": [None, now.isoformat()]},
                request=request,
                note="handover",
            )
        assignment = CoordinatorAssignment.objects.create(
            case=case,
            person=new_person,
            organisation=organisation,
            reason=reason,
            started_at=now,
            created_by=acting_user(actor),
        )
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
        if old is not None:
            summary = _("Forløbet blev overdraget fra %(old)s til %(new)s: %(reason)s") % {
                "old": old.person,
                "new": new_person,
                "reason": reason,
            }
        else:
            summary = _("%(person)s blev tovholder: %(reason)s") % {"person": new_person, "reason": reason}
        _announce_coordinator(
            actor=actor,
            case=case,
            assignment=assignment,
            old_person=old.person if old else None,
            changes=audit.diff(
                {"person": str(old.person) if old else None}, {"person": str(new_person), "reason": reason}
            ),
            summary=summary,
            note="handover",
            request=request,
        )
    return assignment


def change_case_status(*, actor, case: Case, status: str, closed_reason: str = "", request=None) -> Case:
    if status == Case.Status.CLOSED and not closed_reason.strip():
        raise ValidationError(
            {"closed_reason": _("Skriv hvorfor forløbet afsluttes.")}, code="reason_required"
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        before = {"status": case.status, "closed_reason": case.closed_reason, "end_date": case.end_date}
        case.status = status
        case.closed_reason = closed_reason if status == Case.Status.CLOSED else ""
        case.end_date = timezone.localdate() if status == Case.Status.CLOSED else None
        case.version += 1
        case.save()
        if status == Case.Status.CLOSED:
            CoordinatorAssignment.objects.active().filter(case=case).update(ended_at=timezone.now())
        record_case_event(
            actor=actor,
            case=case,
            action=AuditEvent.Action.UPDATE,
            obj=case,
            changes=audit.diff(
                before,
                {"status": case.status, "closed_reason": case.closed_reason, "end_date": case.end_date},
            ),
            request=request,
            kind=TimelineEvent.Kind.CASE,
            summary=_("Status ændret til %(status)s") % {"status": case.get_status_display()},
        )
    return case
