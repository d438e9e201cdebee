"""Transfers of a case between municipalities: start, accept, decline, withdraw.

A transfer needs a valid consent of the citizen covering the receiving municipality (one of its
municipal organisations); it may be recorded in the same step. Until a caseworker of the
receiving municipality accepts, that municipality sees only the summary the consent allows
(``transfer_summary``), never the case or the CPR number. Acceptance moves the citizen and the
case in one transaction (row locks on the transfer, the case and the citizen): the coordinator is
handed over through ``cases.hand_over_case``, the parts not handed over are archived on the
transfer for the sending municipality and taken out of the case, the sending municipality's staff
lose access unless a consent covers them as participants, and a joint handover meeting is
proposed. Declining or withdrawing changes nothing but the transfer row.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb.models import (
    AttentionPoint,
    Case,
    CaseTransfer,
    Citizen,
    Consent,
    CoordinatorAssignment,
    Decision,
    Effort,
    Language,
    Meeting,
    Participant,
    Plan,
    PlanVersion,
    TimelineEvent,
    TransferPart,
)
from borgerforloeb.permissions import is_municipal_caseworker
from borgerforloeb.services.cases import hand_over_case
from borgerforloeb.services.consents import record_consent
from borgerforloeb.services.events import acting_user, record_case_event, save_values
from borgerforloeb.services.meetings import save_meeting
from borgerforloeb.services.participants import add_participant, end_participation
from core import audit
from core.models import AuditEvent
from samarbejde.models import Organisation

Part = TransferPart
SUMMARY_RELATED = (
    "case__citizen",
    "from_municipality",
    "to_municipality",
    "started_by",
    "from_coordinator",
    "consent",
)
MEETING_HOUR = time(10, 0)


class TransferAlreadyAnswered(ValidationError):
    """The transfer is no longer open (someone accepted, declined or withdrew it first)."""


def municipal_organisations(municipality):
    """The active municipal organisations of ``municipality``: a consent covering one of them
    covers the municipality."""
    return Organisation.objects.active().filter(municipality=municipality, kind=Organisation.Kind.MUNICIPAL)


def consent_covering_municipality(case: Case, municipality) -> Consent | None:
    """The newest valid consent of the case's citizen (for all their cases or this one) that
    names a municipal organisation of ``municipality``."""
    return (
        Consent.objects.valid()
        .filter(citizen_id=case.citizen_id)
        .filter(Q(case__isnull=True) | Q(case=case))
        .filter(organisations__in=municipal_organisations(municipality))
        .order_by("-valid_from", "-created_at")
        .first()
    )


def _no_consent_message(municipality) -> str:
    return _(
        "Borgerens samtykke dækker ikke %(municipality)s. Overdragelsen kræver et gyldigt samtykke, "
        "der omfatter den modtagende kommune: registrér det herunder, med hvordan borgeren gav det."
    ) % {"municipality": municipality}


def _answered_message(transfer: CaseTransfer) -> str:
    if transfer.status == CaseTransfer.Status.ACCEPTED:
        return _("Overdragelsen er allerede modtaget af %(person)s.") % {
            "person": transfer.answered_by or _("en anden")
        }
    if transfer.status == CaseTransfer.Status.DECLINED:
        return _("Overdragelsen er allerede afvist af %(person)s.") % {
            "person": transfer.answered_by or _("en anden")
        }
    return _("Overdragelsen er trukket tilbage af den afsendende kommune.")


def _outgoing_assignment(case):
    return (
        CoordinatorAssignment.objects.active()
        .filter(case=case)
        .select_related("person", "organisation")
        .first()
    )


def start_transfer(
    *,
    actor,
    case: Case,
    to_municipality,
    move_date,
    parts,
    message: str = "",
    sender_stays: bool = False,
    new_consent: dict | None = None,
    request=None,
) -> CaseTransfer:
    """Start a transfer of ``case`` to ``to_municipality``.

    ``new_consent``: the citizen's consent recorded in the same step (``record_consent``'s fields
    ``text_shown``, ``given_how``, ``information_kinds``, ``language``, ``witness``,
    ``interpreter_name``, ``valid_until``); it names the receiving municipality's municipal
    organisations and, with ``sender_stays``, the outgoing coordinator's organisation.
    Refused (ValidationError naming the field) without a consent covering the receiving
    municipality, when one is already open, or when the case is closed.
    """
    if to_municipality is None or to_municipality.pk == case.municipality_id:
        raise ValidationError(
            {"to_municipality": _("Vælg en anden kommune end forløbets egen.")}, code="same_municipality"
        )
    unknown = set(parts) - set(Part.values)
    if unknown:
        raise ValidationError({"parts": _("Ukendt del af forløbet.")}, code="unknown_part")
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("citizen", "municipality").get(pk=case.pk)
        if case.status == Case.Status.CLOSED:
            raise ValidationError(_("Forløbet er afsluttet."), code="closed")
        outgoing = _outgoing_assignment(case)
        if new_consent:
            organisations = list(municipal_organisations(to_municipality))
            if not organisations:
                raise ValidationError(
                    {
                        "to_municipality": _("%(municipality)s har ingen kommunal organisation i portalen.")
                        % {"municipality": to_municipality}
                    },
                    code="no_organisation",
                )
            if sender_stays and outgoing is not None and outgoing.organisation is not None:
                organisations.append(outgoing.organisation)
            record_consent(
                actor=actor,
                citizen=case.citizen,
                case=case,
                organisations=organisations,
                request=request,
                **new_consent,
            )
        consent = consent_covering_municipality(case, to_municipality)
        if consent is None:
            raise ValidationError(
                {"to_municipality": _no_consent_message(to_municipality)}, code="no_consent"
            )
        if sender_stays:
            if outgoing is None:
                raise ValidationError(
                    {"sender_stays": _("Forløbet har ingen tovholder, der kan fortsætte som deltager.")},
                    code="no_coordinator",
                )
            if not Consent.objects.covering(
                case=case, organisation=outgoing.organisation, user=outgoing.person
            ).exists():
                raise ValidationError(
                    {
                        "sender_stays": _(
                            "Borgerens samtykke dækker ikke %(person)s. Uden samtykke kan tovholderen ikke "
                            "fortsætte som deltager efter flytningen."
                        )
                        % {"person": outgoing.person}
                    },
                    code="no_consent",
                )
        try:
            with transaction.atomic():
                transfer = CaseTransfer.objects.create(
                    case=case,
                    from_municipality=case.municipality,
                    to_municipality=to_municipality,
                    move_date=move_date,
                    parts=[p for p in Part.values if p in parts],
                    message=message,
                    sender_stays=sender_stays,
                    consent=consent,
                    started_by=acting_user(actor),
                    from_coordinator=outgoing.person if outgoing else None,
                )
        except IntegrityError:
            raise ValidationError(
                _("Forløbet har allerede en åben overdragelse. Træk den tilbage, før du starter en ny."),
                code="already_open",
            ) from None
        record_case_event(
            actor=actor,
            case=case,
            action=AuditEvent.Action.CREATE,
            obj=transfer,
            changes=audit.diff(
                {},
                {
                    "from_municipality": str(case.municipality),
                    "to_municipality": str(to_municipality),
                    "move_date": move_date,
                    "parts": transfer.parts,
                    "sender_stays": sender_stays,
                },
            ),
            request=request,
            kind=TimelineEvent.Kind.TRANSFER,
            summary=_("Overdragelse til %(to)s startet (flyttedato %(date)s)")
            % {"to": to_municipality, "date": move_date.strftime("%d-%m-%Y")},
        )
    return transfer


def _lock_open(transfer: CaseTransfer) -> CaseTransfer:
    """The transfer row, locked for this transaction; refused when it is no longer open."""
    transfer = (
        CaseTransfer.objects.select_for_update(of=("self",))
        .select_related("answered_by", "from_municipality", "to_municipality")
        .get(pk=transfer.pk)
    )
    if transfer.status != CaseTransfer.Status.PENDING:
        raise TransferAlreadyAnswered(_answered_message(transfer), code="answered")
    return transfer


def default_meeting_start(transfer: CaseTransfer):
    """The proposed handover meeting: 10:00 on the move date, or tomorrow if that has passed."""
    day = max(transfer.move_date, timezone.localdate() + timedelta(days=1))
    return timezone.make_aware(datetime.combine(day, MEETING_HOUR))


def accept_transfer(
    *, actor, transfer: CaseTransfer, new_coordinator=None, meeting_at=None, request=None
) -> CaseTransfer:
    """Accept: the citizen and the case move to the receiving municipality (see the module)."""
    if not is_municipal_caseworker(actor, transfer.to_municipality_id):
        raise ValidationError(
            _("Kun sagsbehandlere i den modtagende kommune kan modtage forløbet."), code="not_receiver"
        )
    new_coordinator = new_coordinator or actor
    with transaction.atomic():
        transfer = _lock_open(transfer)
        case = Case.objects.select_for_update().get(pk=transfer.case_id)
        if case.status == Case.Status.CLOSED:
            raise ValidationError(_("Forløbet er afsluttet."), code="closed")
        if consent_covering_municipality(case, transfer.to_municipality) is None:
            raise ValidationError(_no_consent_message(transfer.to_municipality), code="no_consent")
        citizen = Citizen.objects.select_for_update().get(pk=case.citizen_id)
        now = timezone.now()
        source, target = transfer.from_municipality, transfer.to_municipality

        citizen_moved = citizen.municipality_id != target.pk
        if citizen_moved:
            citizen.municipality = target
            citizen.save(update_fields=["municipality", "updated_at"])
            audit.record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=citizen,
                case_id=case.pk,
                changes={"municipality": [str(source), str(target)]},
                request=request,
                note="transfer",
            )
        case.municipality = target
        case.save(update_fields=["municipality", "updated_at"])
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1)

        withheld = _withhold(actor=actor, case=case, parts=transfer.parts, request=request)
        _end_uncovered_staff(actor=actor, case=case, source=source, request=request)

        outgoing = _outgoing_assignment(case)
        hand_over_case(
            actor=actor,
            case=case,
            new_person=new_coordinator,
            reason=_("Forløbet er flyttet fra %(from)s til %(to)s.") % {"from": source, "to": target},
            request=request,
        )
        if transfer.sender_stays and outgoing is not None:
            _keep_sender(actor=actor, case=case, outgoing=outgoing, request=request)

        meeting = _propose_meeting(
            actor=actor,
            case=case,
            citizen=citizen,
            people=[p for p in (outgoing.person if outgoing else None, new_coordinator) if p is not None],
            starts_at=meeting_at or default_meeting_start(transfer),
            source=source,
            target=target,
            request=request,
        )

        transfer.status = CaseTransfer.Status.ACCEPTED
        transfer.accepted_at = now
        transfer.answered_by = acting_user(actor)
        transfer.new_coordinator = new_coordinator
        transfer.from_coordinator = outgoing.person if outgoing else transfer.from_coordinator
        transfer.handover_meeting = meeting
        transfer.plan_carried_over = Part.PLAN in transfer.parts
        transfer.withheld = withheld
        transfer.save()
        record_case_event(
            actor=actor,
            case=case,
            action=AuditEvent.Action.UPDATE,
            obj=transfer,
            changes={
                "status": [CaseTransfer.Status.PENDING, CaseTransfer.Status.ACCEPTED],
                "municipality": [str(source), str(target)],
                "new_coordinator": [None, str(new_coordinator)],
                "withheld": [None, sorted(withheld)],
            },
            note="accepted",
            request=request,
            kind=TimelineEvent.Kind.TRANSFER,
            summary=_("Forløbet er flyttet fra %(from)s til %(to)s; %(person)s er ny tovholder")
            % {"from": source, "to": target, "person": new_coordinator},
        )
    return transfer


def decline_transfer(*, actor, transfer: CaseTransfer, reason: str, request=None) -> CaseTransfer:
    """Decline with a reason; nothing else changes."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Skriv hvorfor overdragelsen afvises.")}, code="reason_required")
    if not is_municipal_caseworker(actor, transfer.to_municipality_id):
        raise ValidationError(
            _("Kun sagsbehandlere i den modtagende kommune kan afvise forløbet."), code="not_receiver"
        )
    return _answer_unaccepted(
        actor=actor,
        transfer=transfer,
        status=CaseTransfer.Status.DECLINED,
        at="declined_at",
        values={"decline_reason": reason.strip()},
        changes={"reason": [None, reason]},
        note="declined",
        summary=_("%(to)s afviste overdragelsen: %(reason)s"),
        words={"reason": reason.strip()},
        request=request,
    )


def withdraw_transfer(*, actor, transfer: CaseTransfer, request=None) -> CaseTransfer:
    """The sending side withdraws an open transfer; nothing else changes."""
    return _answer_unaccepted(
        actor=actor,
        transfer=transfer,
        status=CaseTransfer.Status.WITHDRAWN,
        at="withdrawn_at",
        note="withdrawn",
        summary=_("Overdragelsen til %(to)s blev trukket tilbage"),
        request=request,
    )


def _answer_unaccepted(
    *, actor, transfer, status, at, note, summary, values=None, changes=None, words=None, request=None
) -> CaseTransfer:
    """The open ``transfer`` ends without a move: ``status`` from now (the field ``at``), and
    ``values`` of its other fields, answered by ``actor``; the timeline says ``summary`` (with
    ``%(to)s``, the receiving municipality, and ``words``). Only the transfer row changes."""
    with transaction.atomic():
        transfer = _lock_open(transfer)
        save_values(
            transfer, status=status, answered_by=acting_user(actor), **{at: timezone.now()}, **(values or {})
        )
        record_case_event(
            actor=actor,
            case=transfer.case,
            action=AuditEvent.Action.UPDATE,
            obj=transfer,
            changes={"status": [CaseTransfer.Status.PENDING, transfer.status], **(changes or {})},
            note=note,
            request=request,
            kind=TimelineEvent.Kind.TRANSFER,
            summary=summary % {"to": transfer.to_municipality, **(words or {})},
        )
    return transfer


# --- What acceptance does to the case ------------------------------------------------------------


def _withhold(*, actor, case: Case, parts, request=None) -> dict:
    """Archive each part not handed over (returned, kept on the transfer for the sending
    municipality) and take it out of the case the receiving municipality gets."""
    archive: dict = {}
    if Part.PLAN not in parts:
        versions = PlanVersion.objects.filter(plan__case=case).prefetch_related("goals").order_by("number")
        archive[Part.PLAN] = [
            {
                "number": v.number,
                "status": v.status,
                "purpose": v.purpose,
                "efforts": v.efforts,
                "expected_duration": v.expected_duration,
                "other_matters": v.other_matters,
                "goals": [{"text": g.text, "who_helps": g.who_helps} for g in v.goals.all()],
            }
            for v in versions
        ]
        Plan.objects.filter(case=case).delete()
    if Part.DECISIONS not in parts:
        decisions = Decision.objects.filter(case=case).order_by("decided_on", "created_at")
        archive[Part.DECISIONS] = list(
            decisions.values("text", "decided_by", "decided_on", "citizen_involvement")
        )
        decisions.delete()
    if Part.ATTENTION not in parts:
        points = AttentionPoint.objects.filter(case=case)
        archive[Part.ATTENTION] = list(
            points.exclude(status=AttentionPoint.Status.NOT_ASSESSED, note="").values(
                "label", "status", "note"
            )
        )
        points.update(status=AttentionPoint.Status.NOT_ASSESSED, note="", updated_by=acting_user(actor))
    if Part.EFFORTS not in parts:
        efforts = Effort.objects.filter(case=case).order_by("proposed_on", "title")
        archive[Part.EFFORTS] = list(
            efforts.values("title", "description", "status", "receiving_organisation__name", "start_date")
        )
        efforts.delete()
    if Part.MINUTES not in parts:
        meetings = Meeting.objects.filter(case=case).exclude(minutes="").order_by("starts_at")
        archive[Part.MINUTES] = list(meetings.values("title", "starts_at", "minutes"))
        meetings.update(minutes="")
    if Part.NETWORK not in parts:
        network = Participant.objects.filter(case=case, active=True).select_related("user", "organisation")
        archive[Part.NETWORK] = [
            {
                "name": p.person_name,
                "role": p.role,
                "organisation": str(p.organisation or ""),
                "responsibility": p.responsibility,
            }
            for p in network
        ]
        for participant in network:
            end_participation(actor=actor, participant=participant, request=request)
    if archive:
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=case,
            case_id=case.pk,
            changes={"withheld": [None, sorted(archive)]},
            request=request,
            note="transfer_withheld",
        )
    return archive


def _end_uncovered_staff(*, actor, case: Case, source, request=None) -> None:
    """Staff of the sending municipality's municipal organisations stay on as participants only
    when the citizen's consent covers them (their organisation or them personally)."""
    staff = Participant.objects.filter(
        case=case,
        active=True,
        organisation__municipality=source,
        organisation__kind=Organisation.Kind.MUNICIPAL,
    ).select_related("organisation", "user")
    for participant in staff:
        covered = Consent.objects.covering(
            case=case, organisation=participant.organisation, user=participant.user
        ).exists()
        if not covered:
            end_participation(actor=actor, participant=participant, request=request)


def _keep_sender(*, actor, case: Case, outgoing, request=None) -> None:
    """The outgoing coordinator stays on as a participant (the consent covers them, checked when
    the transfer started and again by ``add_participant``)."""
    if Participant.objects.filter(
        case=case, user=outgoing.person, role=Participant.Role.CONTACT, active=True
    ).exists():
        return
    add_participant(
        actor=actor,
        case=case,
        role=Participant.Role.CONTACT,
        user=outgoing.person,
        organisation=outgoing.organisation,
        responsibility=_("Tidligere tovholder; deltager i overdragelsen til den nye kommune."),
        request=request,
    )


def _propose_meeting(*, actor, case, citizen, people, starts_at, source, target, request=None) -> Meeting:
    """The joint handover meeting: both coordinators and the citizen, with an interpreter when the
    citizen wants one; its .ics invitation is the meeting's own."""
    interpreter = citizen.interpreter_wanted
    language = ""
    if interpreter:
        language = (
            citizen.other_language
            if citizen.preferred_language == Language.OTHER
            else str(dict(Language.choices).get(citizen.preferred_language, ""))
        )
    agenda = _(
        "Fælles overdragelse af forløbet fra %(from)s til %(to)s: borgeren, den afsendende og den "
        "modtagende tovholder gennemgår planen, aftalerne og det videre forløb."
    ) % {"from": source, "to": target}
    return save_meeting(
        actor=actor,
        case=case,
        participants=people,
        title=_("Fælles overdragelsesmøde"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        place="",
        interpreter_needed=interpreter,
        interpreter_language=language,
        agenda=agenda,
        request=request,
    )


# --- Reads ---------------------------------------------------------------------------------------


def _listed(transfers):
    """``transfers`` with what a list of them shows (``transfer_summary``), in the order shown:
    one query whatever the number of transfers."""
    return transfers.select_related(*SUMMARY_RELATED).order_by("move_date", "started_at", "pk")


def inbound_transfers_for(user):
    """Open transfers waiting for ``user``'s answer: to the municipalities where they are a
    caseworker. Only for the summary (``transfer_summary``): the case is not visible yet.
    A fixed number of queries (one) whatever the number of transfers."""
    return _listed(CaseTransfer.objects.inbound_for(user))


def outbound_transfers_for(user):
    """Open transfers the user's side started: from their municipalities, or started by them or
    of a case they coordinate."""
    return _listed(
        CaseTransfer.objects.visible_to(user)
        .open()
        .exclude(pk__in=CaseTransfer.objects.inbound_for(user).values("pk"))
    )


def initials(name: str) -> str:
    return "".join(f"{part[0]}." for part in (name or "").split() if part)


def transfer_summary(transfer: CaseTransfer) -> dict:
    """What the receiving municipality may see before accepting: what the consent allows (name and
    contact needs with "basic", the situation and what matters with "situation"), never the CPR
    number. Uses the transfer's loaded case, citizen and consent (no queries)."""
    citizen = transfer.case.citizen
    kinds = set(transfer.consent.information_kinds) if transfer.consent else set()
    basic = Consent.InformationKind.BASIC in kinds
    situation = Consent.InformationKind.SITUATION in kinds
    return {
        "transfer": transfer,
        "citizen_label": citizen.display_name if basic else initials(citizen.full_name),
        "language": citizen.get_preferred_language_display() if basic else "",
        "interpreter": citizen.interpreter_wanted if basic else None,
        "situation": transfer.case.summary if situation else "",
        "what_matters": citizen.what_matters if situation else "",
        "consent_kinds": transfer.consent.information_kind_labels if transfer.consent else [],
    }
