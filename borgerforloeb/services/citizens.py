"""Citizens: registration, changes, the CPR duplicate check and showing a CPR number."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from borgerforloeb import cpr as cprlib
from borgerforloeb.models import Citizen, TimelineEvent
from borgerforloeb.permissions import is_citizen_caseworker
from borgerforloeb.services.events import acting_user, add_timeline, snapshot
from core import audit
from core.models import AuditEvent

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
    user = acting_user(actor)
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


def check_own_municipality(actor, citizen) -> None:
    """Only caseworkers of the citizen's own municipality write the citizen or open a case."""
    user = acting_user(actor)
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
        municipality=municipality, full_name=full_name, cpr=digits, created_by=acting_user(actor), **fields
    )
    check_own_municipality(actor, citizen)
    citizen.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            citizen.save()
            audit.record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=citizen,
                changes=audit.diff({}, {**snapshot(citizen, CITIZEN_FIELDS), "cpr": digits}),
                request=request,
            )
    except IntegrityError as error:
        if not _is_cpr_clash(error):
            raise
        raise _cpr_refused(actor=actor, citizen=acting_user(actor) or municipality, request=request) from None
    return citizen


def update_citizen(*, actor, citizen: Citizen, request=None, **fields) -> Citizen:
    """Change a citizen's details. The municipality is not changed here (a transfer between
    municipalities is a separate, consented workflow)."""
    unknown = set(fields) - set(CITIZEN_FIELDS) - {"cpr", "municipality"}
    if unknown:
        raise TypeError(f"Unknown citizen fields: {sorted(unknown)}")
    check_own_municipality(actor, citizen)
    try:
        with transaction.atomic():
            citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
            municipality = fields.pop("municipality", citizen.municipality)
            if getattr(municipality, "pk", municipality) != citizen.municipality_id:
                raise ValidationError(
                    {"municipality": _("Borgerens kommune ændres kun ved en overdragelse mellem kommuner.")},
                    code="municipality_change",
                )
            before = {**snapshot(citizen, CITIZEN_FIELDS), "cpr": citizen.cpr}
            if "cpr" in fields:
                fields["cpr"] = cprlib.parse(fields["cpr"]).digits if fields["cpr"] else ""
            for key, value in fields.items():
                setattr(citizen, key, value)
            citizen.full_clean(validate_constraints=False)
            citizen.save()
            after = {**snapshot(citizen, CITIZEN_FIELDS), "cpr": citizen.cpr}
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
