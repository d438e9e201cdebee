"""Participants of a case: adding and ending participation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb.models import Case, Participant, TimelineEvent
from borgerforloeb.services.cases import check_consent_covers, default_organisation
from borgerforloeb.services.events import record_case_event, save_values
from core import audit
from core.models import AuditEvent


def add_participant(
    *,
    actor,
    case: Case,
    role: str,
    user=None,
    name: str = "",
    organisation=None,
    responsibility: str = "",
    request=None,
) -> Participant:
    """Add a person to the case.

    Refused (ValidationError with the reason) when the person has a login and no valid consent
    covers their organisation or them personally, unless the organisation is a municipal
    organisation of the case's own municipality.
    """
    if user is None and not name.strip():
        raise ValidationError({"user": _("Vælg en person eller skriv et navn.")}, code="who_required")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if user is not None:
            organisation = default_organisation(case, user, organisation)
            check_consent_covers(case=case, organisation=organisation, user=user)
            if Participant.objects.filter(case=case, user=user, role=role, active=True).exists():
                raise ValidationError(
                    _("Personen deltager allerede i forløbet med denne rolle."), code="duplicate"
                )
        participant = Participant.objects.create(
            case=case,
            user=user,
            name=name,
            organisation=organisation,
            role=role,
            responsibility=responsibility,
        )
        record_case_event(
            actor=actor,
            case=case,
            action=AuditEvent.Action.CREATE,
            obj=participant,
            changes=audit.diff(
                {},
                {
                    "person": participant.person_name,
                    "organisation": str(organisation or ""),
                    "role": role,
                    "responsibility": responsibility,
                },
            ),
            request=request,
            kind=TimelineEvent.Kind.PARTICIPANT,
            summary=_("%(person)s blev tilføjet som %(role)s")
            % {"person": participant.person_name, "role": participant.get_role_display().lower()},
        )
    return participant


def end_participation(*, actor, participant: Participant, request=None) -> Participant:
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if not participant.active:
            return participant
        save_values(participant, active=False, ended_at=timezone.now())
        record_case_event(
            actor=actor,
            case=participant.case,
            action=AuditEvent.Action.UPDATE,
            obj=participant,
            changes={"active": [True, False]},
            request=request,
            kind=TimelineEvent.Kind.PARTICIPANT,
            summary=_("%(person)s deltager ikke længere") % {"person": participant.person_name},
        )
    return participant
