"""Consent: recording and withdrawing the citizen's consent."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb.models import Case, Citizen, Consent, TimelineEvent
from borgerforloeb.services.citizens import citizen_sign_in_audit
from borgerforloeb.services.events import acting_user, record_case_event, save_values
from core import audit
from core.models import AuditEvent


def _record_in_cases(
    *, actor, consent, cases, action, changes, summary, without_case=None, note="", request=None
) -> None:
    """The consent's audit row and timeline entry in each of ``cases``; for a citizen without a
    case, the audit row alone (its changes: ``without_case``)."""
    for each in cases:
        record_case_event(
            actor=actor,
            case=each,
            action=action,
            obj=consent,
            changes=changes,
            note=note,
            request=request,
            kind=TimelineEvent.Kind.CONSENT,
            summary=summary,
        )
    if not cases:
        audit.record(
            actor=actor, action=action, obj=consent, changes=without_case, request=request, note=note
        )


def record_consent(
    *,
    actor,
    citizen: Citizen,
    text_shown: str,
    given_how: str,
    information_kinds: list[str],
    organisations=(),
    persons=(),
    case: Case | None = None,
    language: str = "da",
    witness: str = "",
    interpreter_name: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
    request=None,
) -> Consent:
    with transaction.atomic():
        consent = Consent(
            citizen=citizen,
            case=case,
            text_shown=text_shown,
            given_how=given_how,
            information_kinds=list(information_kinds),
            language=language,
            witness=witness,
            interpreter_name=interpreter_name,
            valid_from=valid_from or timezone.localdate(),
            valid_until=valid_until,
            recorded_by=acting_user(actor),
        )
        consent.full_clean()
        consent.save()
        consent.organisations.set(organisations)
        consent.persons.set(persons)
        cases = [case] if case is not None else list(citizen.cases.all())
        _record_in_cases(
            actor=actor,
            consent=consent,
            cases=cases,
            action=AuditEvent.Action.CREATE,
            changes=audit.diff(
                {},
                {
                    "organisations": sorted(str(o) for o in consent.organisations.all()),
                    "persons": sorted(str(p) for p in consent.persons.all()),
                    "information_kinds": consent.information_kinds,
                    "valid_until": valid_until,
                },
            ),
            request=request,
            summary=_("Samtykke registreret"),
        )
    return consent


def withdraw_consent(
    *, actor, consent: Consent, note: str = "", request=None, citizen_sign_in: str = "", invitation=None
) -> Consent:
    """Withdraw at once: access that depended on it ends with this transaction's commit.

    ``citizen_sign_in`` (and ``invitation``): the citizen withdrew it themselves in Mit forløb,
    signed in that way; kept on the consent and in the audit row.
    """
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            return consent
        save_values(
            consent,
            withdrawn_at=timezone.now(),
            withdrawn_by=acting_user(actor),
            withdrawal_note=note,
            withdrawn_sign_in=citizen_sign_in,
            withdrawn_invitation=invitation,
        )
        cases = [consent.case] if consent.case_id else list(consent.citizen.cases.all())
        signed_in = citizen_sign_in_audit(citizen_sign_in, invitation)
        _record_in_cases(
            actor=actor,
            consent=consent,
            cases=cases,
            action=AuditEvent.Action.UPDATE,
            changes={"withdrawn_at": [None, consent.withdrawn_at.isoformat()], **signed_in},
            without_case=signed_in,
            note="withdrawn",
            request=request,
            summary=_("Samtykke tilbagekaldt"),
        )
    return consent
