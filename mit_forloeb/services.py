"""What the citizen does in Mit forløb, always through the case services.

The citizen is not a staff user, so the case services get ``actor=None`` (the audit trail and
timeline show no staff person) and the note says the citizen did it. Each action also leaves a
``CitizenMessage`` that the coordinator sees on the case page.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb.models import (
    Case,
    CitizenMessage,
    Consent,
    CoordinatorAssignment,
    PlanAcceptance,
    PlanVersion,
    TimelineEvent,
)
from borgerforloeb.services import consents as consent_services
from borgerforloeb.services import data_rights
from borgerforloeb.services import plan as plan_services
from borgerforloeb.services.events import add_timeline, record_case_event
from borgerforloeb.services.handoffs import announce_citizen_message
from core import audit
from core.models import AuditEvent, NotificationKind
from core.notifications import Candidate, notify

# How a citizen who accepts in Mit forløb took part: a dedicated choice when the plan model has
# one, otherwise "present" (the citizen personally) with the note below saying how.
SELF_SERVICE_PARTICIPATION = getattr(
    PlanAcceptance.CitizenParticipation, "SELF_SERVICE", PlanAcceptance.CitizenParticipation.PRESENT
)
SELF_SERVICE_NOTE = "Accepteret af borgeren selv i Mit forløb"


def _how(sign_in) -> str:
    label = sign_in.label() if sign_in is not None else ""
    return f" ({label})" if label else ""


def _signed_in(sign_in) -> dict:
    """How the citizen signed in, as the case services keep it on what the citizen did."""
    return {
        "citizen_sign_in": sign_in.via if sign_in else "",
        "invitation": sign_in.invitation if sign_in else None,
    }


def _sign_in_audit(sign_in) -> dict:
    return sign_in.audit() if sign_in else {}


def _tell_coordinator(*, case: Case, kind, timeline_kind, summary, **fields) -> CitizenMessage:
    """The message the coordinator sees on the case page for what the citizen did (the case
    service has written the audit row), announced, and its timeline entry."""
    message = CitizenMessage.objects.create(case=case, kind=kind, **fields)
    announce_citizen_message(message)
    add_timeline(case=case, kind=timeline_kind, actor=None, summary=summary, obj=message)
    return message


def withdraw_consent(*, case: Case, consent: Consent, request=None, sign_in=None) -> Consent:
    """Withdraw at once (the case service ends access); the coordinator is told.

    ``sign_in`` (``invitations.SignIn``): how the citizen signed in; kept on the consent, in the
    audit row and in the timeline ("via invitation oprettet af X" / "via MitID").
    """
    with transaction.atomic():
        consent = consent_services.withdraw_consent(
            actor=None,
            consent=consent,
            note=_("Trukket tilbage af borgeren selv i Mit forløb"),
            request=request,
            **_signed_in(sign_in),
        )
        names = ", ".join(o.name for o in consent.organisations.all())
        _tell_coordinator(
            case=case,
            kind=CitizenMessage.Kind.CONSENT_WITHDRAWN,
            timeline_kind=TimelineEvent.Kind.CONSENT,
            summary=_("Borgeren trak selv samtykket tilbage i Mit forløb (%(names)s)") % {"names": names}
            + _how(sign_in),
            text=names,
        )
    return consent


def accept_plan_version(
    *, case: Case, version: PlanVersion, lock_version: int, request=None, sign_in=None
) -> PlanAcceptance:
    """The citizen accepts a draft of their own plan themselves (``sign_in``: as above)."""
    with transaction.atomic():
        acceptance = plan_services.accept_plan_version(
            actor=None,
            version=version,
            citizen_participation=SELF_SERVICE_PARTICIPATION,
            note=SELF_SERVICE_NOTE,
            lock_version=lock_version,
            request=request,
            **_signed_in(sign_in),
        )
        _tell_coordinator(
            case=case,
            kind=CitizenMessage.Kind.PLAN_ACCEPTED,
            timeline_kind=TimelineEvent.Kind.PLAN,
            summary=_("Borgeren sagde selv ja til planversion %(number)s i Mit forløb")
            % {"number": version.number}
            + _how(sign_in),
            plan_version=version,
        )
    return acceptance


def ask_for_change(
    *, case: Case, text: str, plan_version: PlanVersion | None = None, request=None, sign_in=None
):
    """A message to the coordinator, kept and shown in the case timeline."""
    text = text.strip()
    with transaction.atomic():
        message = CitizenMessage.objects.create(
            case=case, kind=CitizenMessage.Kind.CHANGE_REQUEST, text=text, plan_version=plan_version
        )
        announce_citizen_message(message)
        record_case_event(
            actor=None,
            case=case,
            action=AuditEvent.Action.CREATE,
            obj=message,
            changes={"text": [None, text], **_sign_in_audit(sign_in)},
            request=request,
            note="citizen",
            kind=TimelineEvent.Kind.PLAN if plan_version else TimelineEvent.Kind.NOTE,
            summary=_("Besked fra borgeren: %(text)s") % {"text": text[:250]},
        )
    return message


def mark_messages_read(*, actor, case: Case, request=None) -> int:
    """A staff member has read the citizen's messages on the case page."""
    with transaction.atomic():
        count = case.citizen_messages.filter(read_at__isnull=True).update(
            read_at=timezone.now(), read_by=actor
        )
        if count:
            audit.record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=case,
                case_id=case.pk,
                changes={"citizen_messages_read": [None, count]},
                request=request,
            )
    return count


def ask_about_access(*, case: Case, event: AuditEvent, text: str, request=None, sign_in=None):
    """The citizen asks about one access in "Hvem har set mit forløb": a message on the case
    page, a timeline entry, and a notice to the coordinator and the municipality's data
    protection contact (``Municipality.dpo_user``). The question names the access by who, when
    and what; ``text`` is the citizen's own words."""
    text = text.strip()
    when = timezone.localtime(event.at).strftime("%d-%m-%Y %H:%M")
    who = str(event.actor) if event.actor_id else ""
    body = _("Om %(who)s, %(when)s: %(text)s") % {"who": who, "when": when, "text": text}
    with transaction.atomic():
        message = CitizenMessage.objects.create(
            case=case, kind=CitizenMessage.Kind.ACCESS_QUESTION, text=body
        )
        record_case_event(
            actor=None,
            case=case,
            action=AuditEvent.Action.CREATE,
            obj=message,
            changes={"about_audit_event": [None, event.pk], **_sign_in_audit(sign_in)},
            request=request,
            note="citizen",
            kind=TimelineEvent.Kind.NOTE,
            summary=_("Borgeren spørger om en adgang til forløbet: %(text)s") % {"text": body[:250]},
        )
        coordinator = (
            CoordinatorAssignment.objects.active().filter(case=case).values_list("person_id", flat=True)
        )
        recipients = {*coordinator, case.municipality.dpo_user_id} - {None}
        first_name = (case.citizen.preferred_name or case.citizen.full_name).split(" ")[0]
        notify(
            Candidate(
                recipient_id=recipient,
                kind=NotificationKind.ACCESS_QUESTION,
                event_key=f"access_question:{message.pk}",
                due_date=timezone.localdate(),
                url=case.get_absolute_url(),
                context={"citizen": first_name, "when": when},
            )
            for recipient in recipients
        )
    return message


def record_data_download(*, case: Case | None, fmt: str, sign_in=None) -> None:
    """The citizen downloaded everything about them; the coordinator is told (the read itself is
    audited by the page's declaration)."""
    with transaction.atomic():
        data_rights.record_citizen_download(case=case, fmt=fmt, how=_how(sign_in))
