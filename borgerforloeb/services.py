"""Workflows of citizen cases. Every write goes through here.

Each service is keyword-only, takes ``actor=``, runs in one transaction and writes an audit
row (``core.audit.record``) and a timeline event. Rule violations raise
``django.core.exceptions.ValidationError`` with a Danish message a view can show as is.
"""

from __future__ import annotations

import time
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb import cpr as cprlib
from borgerforloeb import signals
from borgerforloeb.models import (
    AttentionPoint,
    AttentionPointTemplate,
    Case,
    Citizen,
    Consent,
    CoordinatorAssignment,
    Goal,
    Participant,
    Plan,
    PlanAcceptance,
    PlanVersion,
    Task,
    TimelineEvent,
)
from core import audit
from core.models import AuditEvent
from samarbejde.models import Organisation

CITIZEN_FIELDS = [
    "full_name",
    "preferred_name",
    "date_of_birth",
    "preferred_language",
    "other_language",
    "interpreter_wanted",
    "phone",
    "email",
    "address",
    "contact_preference",
    "contact_notes",
    "target_groups",
    "is_newcomer",
    "arrived_on",
    "what_matters",
]


class CoordinatorAlreadyActive(ValidationError):
    """The case already has an active coordinator: use ``hand_over_case``."""


class StaleVersion(ValidationError):
    """Optimistic locking: someone saved the object since the user loaded it."""


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


def _snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


# --- Citizens ---------------------------------------------------------------------------------


CPR_IN_USE = _(
    "Borgeren kan ikke gemmes med dette CPR-nummer. Kontrollér nummeret; er det rigtigt, så "
    "kontakt borgerens kommune eller en administrator."
)
CPR_UNIQUE_CONSTRAINT = "borgerforloeb_citizen_cpr_unique"
CPR_CHECK_NOTE = "cpr_duplicate_check"


class CprCheckLimited(ValidationError):
    """The user has asked for too many CPR numbers within the hour."""


def _cpr_checks_this_hour(actor) -> int:
    """Count one more CPR check for ``actor`` in the current hour (Django's cache)."""
    bucket = int(time.time() // 3600)
    key = f"borgerforloeb:cpr-check:{actor.pk}:{bucket}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        return 1


def check_cpr_duplicate(*, actor, cpr: str, exclude_pk=None, request=None) -> Citizen | None:
    """The citizen with this CPR number among those ``actor`` may see, or None.

    Answers only within ``Citizen.objects.visible_to(actor)``: a citizen of another municipality
    is never named here (saving is then refused by the database's unique constraint, with a
    message that names no one). Every check is audited (without the number) and each user has
    ``CPR_CHECKS_PER_HOUR`` of them.
    """
    digits = cprlib.parse(cpr).digits
    user = _user(actor)
    if user is None:
        raise CprCheckLimited(_("Log ind for at kontrollere et CPR-nummer."), code="rate_limited")
    limit = settings.CPR_CHECKS_PER_HOUR
    if _cpr_checks_this_hour(user) > limit:
        audit.record(
            actor=user, action=AuditEvent.Action.OTHER, obj=user, request=request, note="cpr_check_limited"
        )
        raise CprCheckLimited(
            _("Du har kontrolleret for mange CPR-numre inden for den seneste time. Prøv igen senere."),
            code="rate_limited",
        )
    found = Citizen.objects.visible_to(user).filter(cpr=digits)
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    found = found.first()
    audit.record(
        actor=user,
        action=AuditEvent.Action.OTHER,
        obj=found or user,
        changes={"visible_match": [None, found is not None]},
        request=request,
        note=CPR_CHECK_NOTE,
    )
    return found


def _is_cpr_clash(error: IntegrityError) -> bool:
    return CPR_UNIQUE_CONSTRAINT in str(error)


def _cpr_refused(*, actor, citizen, request) -> ValidationError:
    """Audit a CPR refused by the unique constraint (outside the rolled-back transaction)."""
    audit.record(
        actor=actor,
        action=AuditEvent.Action.OTHER,
        obj=citizen,
        request=request,
        note="cpr_refused_by_constraint",
    )
    return ValidationError({"cpr": CPR_IN_USE}, code="duplicate")


def _check_own_municipality(actor, citizen) -> None:
    """Only caseworkers of the citizen's own municipality write the citizen or open a case."""
    from borgerforloeb.permissions import is_citizen_caseworker

    user = _user(actor)
    if user is not None and not is_citizen_caseworker(user, citizen):
        raise ValidationError(
            _("Kun sagsbehandlere i borgerens egen kommune kan gøre dette."), code="not_own_municipality"
        )


def create_citizen(*, actor, municipality, full_name, cpr: str = "", request=None, **fields) -> Citizen:
    """Create a citizen. ``cpr`` may be dashed or 10 digits; the date of birth follows from it."""
    unknown = set(fields) - set(CITIZEN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown citizen fields: {sorted(unknown)}")
    digits = ""
    if cpr:
        info = cprlib.parse(cpr)
        digits = info.digits
        fields.setdefault("date_of_birth", info.birth_date)
        if fields["date_of_birth"] is None:
            fields["date_of_birth"] = info.birth_date
    citizen = Citizen(
        municipality=municipality, full_name=full_name, cpr=digits, created_by=_user(actor), **fields
    )
    _check_own_municipality(actor, citizen)
    citizen.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            citizen.save()
            audit.record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=citizen,
                changes=audit.diff({}, {**_snapshot(citizen, CITIZEN_FIELDS), "cpr": digits}),
                request=request,
            )
    except IntegrityError as error:
        if not _is_cpr_clash(error):
            raise
        raise _cpr_refused(actor=actor, citizen=_user(actor) or municipality, request=request) from None
    return citizen


def update_citizen(*, actor, citizen: Citizen, request=None, **fields) -> Citizen:
    """Change a citizen's details. The municipality is not changed here (a transfer between
    municipalities is a separate, consented workflow)."""
    unknown = set(fields) - set(CITIZEN_FIELDS) - {"cpr", "municipality"}
    if unknown:
        raise TypeError(f"Unknown citizen fields: {sorted(unknown)}")
    _check_own_municipality(actor, citizen)
    try:
        with transaction.atomic():
            citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
            municipality = fields.pop("municipality", citizen.municipality)
            if getattr(municipality, "pk", municipality) != citizen.municipality_id:
                raise ValidationError(
                    {"municipality": _("Borgerens kommune ændres kun ved en overdragelse mellem kommuner.")},
                    code="municipality_change",
                )
            before = {**_snapshot(citizen, CITIZEN_FIELDS), "cpr": citizen.cpr}
            if "cpr" in fields:
                fields["cpr"] = cprlib.parse(fields["cpr"]).digits if fields["cpr"] else ""
            for key, value in fields.items():
                setattr(citizen, key, value)
            citizen.full_clean(validate_constraints=False)
            citizen.save()
            after = {**_snapshot(citizen, CITIZEN_FIELDS), "cpr": citizen.cpr}
            changes = audit.diff(before, after)
            audit.record(
                actor=actor, action=AuditEvent.Action.UPDATE, obj=citizen, changes=changes, request=request
            )
            for case in citizen.cases.all():
                add_timeline(
                    case=case,
                    kind=TimelineEvent.Kind.CASE,
                    actor=actor,
                    summary=_("Borgerens oplysninger ændret"),
                    obj=citizen,
                )
    except IntegrityError as error:
        if not _is_cpr_clash(error):
            raise
        raise _cpr_refused(actor=actor, citizen=citizen, request=request) from None
    return citizen


def show_cpr(*, actor, citizen: Citizen, case=None, request=None) -> str:
    """Return the full CPR for display and write the audit row (action ``show_cpr``)."""
    audit.record(
        actor=actor,
        action=AuditEvent.Action.SHOW_CPR,
        obj=citizen,
        case_id=case.pk if case is not None else None,
        request=request,
    )
    return cprlib.formatted(citizen.cpr)


# --- Cases and coordinators -------------------------------------------------------------------


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


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
    _check_own_municipality(actor, citizen)
    if municipality is not None and municipality.pk != citizen.municipality_id:
        raise ValidationError(_("Et forløb oprettes i borgerens egen kommune."), code="not_own_municipality")
    with transaction.atomic():
        case = Case.objects.create(
            citizen=citizen,
            municipality=municipality or citizen.municipality,
            summary=summary,
            start_date=start_date or timezone.localdate(),
            created_by=_user(actor),
        )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=case,
            case_id=case.pk,
            changes=audit.diff({}, {"summary": summary, "municipality": str(case.municipality)}),
            request=request,
        )
        add_timeline(
            case=case,
            kind=TimelineEvent.Kind.CASE,
            actor=actor,
            summary=_("Forløbet blev oprettet"),
            obj=case,
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


def is_municipal_of_case(case: Case, organisation) -> bool:
    return (
        organisation is not None
        and organisation.kind == Organisation.Kind.MUNICIPAL
        and organisation.municipality_id == case.municipality_id
    )


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


def _default_organisation(case, person, organisation):
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


def _check_coordinator_consent(case, person, organisation):
    if is_municipal_of_case(case, organisation):
        return
    check_consent_covers(case=case, organisation=organisation, user=person)


def assign_coordinator(
    *, actor, case: Case, person, organisation=None, reason: str = "", request=None
) -> CoordinatorAssignment:
    """Give a case without an active coordinator its coordinator.

    Raises ``CoordinatorAlreadyActive`` when one is active (the UI then offers a handover);
    the partial unique constraint makes a second active coordinator impossible anyway.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status == Case.Status.CLOSED:
            raise ValidationError(_("Forløbet er afsluttet."), code="closed")
        if CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True).exists():
            raise CoordinatorAlreadyActive(
                _("Forløbet har allerede en aktiv tovholder. Brug overdragelse i stedet."),
                code="already_active",
            )
        organisation = _default_organisation(case, person, organisation)
        _check_coordinator_consent(case, person, organisation)
        try:
            with transaction.atomic():
                assignment = CoordinatorAssignment.objects.create(
                    case=case,
                    person=person,
                    organisation=organisation,
                    reason=reason,
                    created_by=_user(actor),
                )
        except IntegrityError:
            raise CoordinatorAlreadyActive(
                _("Forløbet har allerede en aktiv tovholder. Brug overdragelse i stedet."),
                code="already_active",
            ) from None
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=assignment,
            case_id=case.pk,
            changes=audit.diff(
                {}, {"person": str(person), "organisation": str(organisation or ""), "reason": reason}
            ),
            request=request,
        )
        add_timeline(
            case=case,
            kind=TimelineEvent.Kind.COORDINATOR,
            actor=actor,
            summary=_("%(person)s blev tovholder") % {"person": person},
            obj=assignment,
        )
        signals.coordinator_changed.send(
            sender=Case, case=case, old_user=None, new_user=person, actor=actor, assignment=assignment
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
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status == Case.Status.CLOSED:
            raise ValidationError(_("Forløbet er afsluttet."), code="closed")
        old = (
            CoordinatorAssignment.objects.select_for_update()
            .filter(case=case, ended_at__isnull=True)
            .select_related("person")
            .first()
        )
        if old is not None and old.person_id == new_person.pk:
            raise ValidationError(
                {"new_person": _("%(person)s er allerede tovholder for forløbet.") % {"person": new_person}},
                code="same_person",
            )
        organisation = _default_organisation(case, new_person, organisation)
        _check_coordinator_consent(case, new_person, organisation)
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
            created_by=_user(actor),
        )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=assignment,
            case_id=case.pk,
            changes=audit.diff(
                {"person": str(old.person) if old else None},
                {"person": str(new_person), "reason": reason},
            ),
            request=request,
            note="handover",
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
        add_timeline(
            case=case, kind=TimelineEvent.Kind.COORDINATOR, actor=actor, summary=summary, obj=assignment
        )
        signals.coordinator_changed.send(
            sender=Case,
            case=case,
            old_user=old.person if old else None,
            new_user=new_person,
            actor=actor,
            assignment=assignment,
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
            CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True).update(
                ended_at=timezone.now()
            )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=case,
            case_id=case.pk,
            changes=audit.diff(
                before,
                {"status": case.status, "closed_reason": case.closed_reason, "end_date": case.end_date},
            ),
            request=request,
        )
        add_timeline(
            case=case,
            kind=TimelineEvent.Kind.CASE,
            actor=actor,
            summary=_("Status ændret til %(status)s") % {"status": case.get_status_display()},
            obj=case,
        )
    return case


# --- Participants and consent -----------------------------------------------------------------


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
            organisation = _default_organisation(case, user, organisation)
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
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=participant,
            case_id=case.pk,
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
        )
        add_timeline(
            case=case,
            kind=TimelineEvent.Kind.PARTICIPANT,
            actor=actor,
            summary=_("%(person)s blev tilføjet som %(role)s")
            % {"person": participant.person_name, "role": participant.get_role_display().lower()},
            obj=participant,
        )
    return participant


def end_participation(*, actor, participant: Participant, request=None) -> Participant:
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if not participant.active:
            return participant
        participant.active = False
        participant.ended_at = timezone.now()
        participant.save(update_fields=["active", "ended_at"])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=participant,
            case_id=participant.case_id,
            changes={"active": [True, False]},
            request=request,
        )
        add_timeline(
            case=participant.case,
            kind=TimelineEvent.Kind.PARTICIPANT,
            actor=actor,
            summary=_("%(person)s deltager ikke længere") % {"person": participant.person_name},
            obj=participant,
        )
    return participant


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
            recorded_by=_user(actor),
        )
        consent.full_clean()
        consent.save()
        consent.organisations.set(organisations)
        consent.persons.set(persons)
        cases = [case] if case is not None else list(citizen.cases.all())
        for each in cases:
            audit.record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=consent,
                case_id=each.pk,
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
            )
            add_timeline(
                case=each,
                kind=TimelineEvent.Kind.CONSENT,
                actor=actor,
                summary=_("Samtykke registreret"),
                obj=consent,
            )
        if not cases:
            audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=consent, request=request)
    return consent


def citizen_sign_in_audit(citizen_sign_in: str, invitation=None) -> dict:
    """What the audit keeps of how the citizen was signed in: the way, and for an invitation its
    id and who created it (never the link or the code)."""
    if not citizen_sign_in:
        return {}
    data = {"via": citizen_sign_in}
    if invitation is not None:
        data.update(
            invitation_id=str(invitation.pk),
            invitation_created_by_id=str(invitation.created_by_id or ""),
            invitation_created_by=str(invitation.created_by or ""),
        )
    return {"citizen_sign_in": data}


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
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = _user(actor)
        consent.withdrawal_note = note
        consent.withdrawn_sign_in = citizen_sign_in
        consent.withdrawn_invitation = invitation
        consent.save(
            update_fields=[
                "withdrawn_at",
                "withdrawn_by",
                "withdrawal_note",
                "withdrawn_sign_in",
                "withdrawn_invitation",
            ]
        )
        cases = [consent.case] if consent.case_id else list(consent.citizen.cases.all())
        signed_in = citizen_sign_in_audit(citizen_sign_in, invitation)
        for each in cases:
            audit.record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=consent,
                case_id=each.pk,
                changes={"withdrawn_at": [None, consent.withdrawn_at.isoformat()], **signed_in},
                request=request,
                note="withdrawn",
            )
            add_timeline(
                case=each,
                kind=TimelineEvent.Kind.CONSENT,
                actor=actor,
                summary=_("Samtykke tilbagekaldt"),
                obj=consent,
            )
        if not cases:
            audit.record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=consent,
                changes=signed_in,
                request=request,
                note="withdrawn",
            )
    return consent


# --- Tasks ------------------------------------------------------------------------------------


def create_task(
    *,
    actor,
    case: Case,
    title: str,
    responsible,
    due_date: date | None = None,
    description: str = "",
    meeting=None,
    request=None,
) -> Task:
    if responsible is None:
        raise ValidationError({"responsible": _("En opgave skal have præcis én ansvarlig.")}, code="required")
    with transaction.atomic():
        task = Task(
            case=case,
            title=title,
            responsible=responsible,
            due_date=due_date,
            description=description,
            meeting=meeting,
            created_by=_user(actor),
        )
        task.full_clean()
        task.save()
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=task,
            case_id=case.pk,
            changes=audit.diff({}, {"title": title, "responsible": str(responsible), "due_date": due_date}),
            request=request,
        )
        add_timeline(
            case=case,
            kind=TimelineEvent.Kind.TASK,
            actor=actor,
            summary=_("Opgave oprettet: %(title)s (ansvarlig: %(person)s)")
            % {"title": title, "person": responsible},
            obj=task,
        )
    return task


def complete_task(*, actor, task: Task, request=None) -> Task:
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
        if task.status == Task.Status.DONE:
            return task
        task.status = Task.Status.DONE
        task.completed_at = timezone.now()
        task.completed_by = _user(actor)
        task.save(update_fields=["status", "completed_at", "completed_by"])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=task,
            case_id=task.case_id,
            changes={"status": ["open", "done"]},
            request=request,
        )
        add_timeline(
            case=task.case,
            kind=TimelineEvent.Kind.TASK,
            actor=actor,
            summary=_("Opgave udført: %(title)s") % {"title": task.title},
            obj=task,
        )
    return task


# --- Plan -------------------------------------------------------------------------------------

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
        version = PlanVersion(plan=plan, number=number, created_by=_user(actor), updated_by=_user(actor))
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
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=version,
            case_id=case.pk,
            changes={"number": [None, number]},
            request=request,
        )
        add_timeline(
            case=case,
            kind=TimelineEvent.Kind.PLAN,
            actor=actor,
            summary=_("Ny planversion %(number)s (kladde)") % {"number": number},
            obj=version,
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
        before = _snapshot(current, PLAN_FIELDS)
        updated = PlanVersion.objects.filter(
            pk=current.pk, lock_version=lock_version, status=PlanVersion.Status.DRAFT
        ).update(
            **fields, lock_version=F("lock_version") + 1, updated_by=_user(actor), updated_at=timezone.now()
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
        changes = audit.diff(before, _snapshot(current, PLAN_FIELDS))
        if goals is not None:
            changes["goals"] = [None, [g["text"] for g in goals if (g.get("text") or "").strip()]]
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            case_id=current.plan.case_id,
            changes=audit.redact(changes),
            request=request,
        )
        add_timeline(
            case=current.plan.case,
            kind=TimelineEvent.Kind.PLAN,
            actor=actor,
            summary=_("Planversion %(number)s ændret") % {"number": current.number},
            obj=current,
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
            recorded_by=_user(actor),
            citizen_participation=citizen_participation,
            interpreter_name=interpreter_name,
            note=note,
            citizen_sign_in=citizen_sign_in,
            invitation=invitation,
        )
        acceptance.participants.set(participants)
        case = current.plan.case
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            case_id=case.pk,
            changes={
                "status": ["draft", "accepted"],
                "citizen_participation": [None, citizen_participation],
                **citizen_sign_in_audit(citizen_sign_in, invitation),
            },
            request=request,
        )
        add_timeline(
            case=case,
            kind=TimelineEvent.Kind.PLAN,
            actor=actor,
            summary=_("Planversion %(number)s accepteret (borgeren: %(how)s)")
            % {"number": current.number, "how": acceptance.get_citizen_participation_display().lower()},
            obj=current,
        )
    return acceptance
