"""The citizen's rights: export everything about one citizen, and anonymise closed cases.

``citizen_export`` gathers every row about a citizen (for an access request, GDPR art. 15) as
sections of labelled records (the export pages are declared reads: the audit row says ``export``).
``retention_candidates`` / ``anonymise_case`` implement the retention rule: closed cases whose
end date is older than ``settings.RETENTION_DAYS_AFTER_CLOSE`` lose every piece of personal data
(``python manage.py anonymise_closed_cases``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy

from borgerforloeb.models import (
    AttentionPoint,
    Case,
    Citizen,
    CitizenInvitation,
    CitizenMessage,
    Consent,
    CoordinatorAssignment,
    Decision,
    Effort,
    Goal,
    Meeting,
    NetworkMapVersion,
    NetworkPerson,
    Participant,
    PlanAcceptance,
    PlanVersion,
    Task,
    TimelineEvent,
)
from core import audit
from core.models import AuditEvent, Notification

ANONYMISED = "[anonymiseret]"
ANONYMISED_NOTE = "anonymised"
DEFAULT_RETENTION_DAYS = 5 * 365
DEFAULT_RUN_LIMIT = 100

# --- Export -----------------------------------------------------------------------------------

# Fields never exported: secrets and internal bookkeeping.
EXPORT_EXCLUDE = {"token_hash", "code_hash", "lock_version", "version"}


@dataclass
class Record:
    """One row: (field name, Danish label, JSON-able value) triples."""

    title: str
    fields: list[tuple[str, str, object]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {name: value for name, _label, value in self.fields}

    @property
    def display(self) -> list[tuple[str, object]]:
        """(label, value) pairs for the readable page: lists joined, dicts as JSON text."""
        rows = []
        for _name, label, value in self.fields:
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            elif isinstance(value, dict):
                value = json.dumps(value, ensure_ascii=False) if value else ""
            rows.append((label, value))
        return rows


@dataclass
class Section:
    key: str
    title: str
    records: list[Record] = field(default_factory=list)


def _value(obj, f):
    if f.many_to_many:
        return sorted(str(o) for o in getattr(obj, f.name).all())
    if f.is_relation:
        related = getattr(obj, f.name)
        return str(related) if related is not None else None
    value = getattr(obj, f.attname)
    if f.choices and not isinstance(value, list):
        display = getattr(obj, f"get_{f.name}_display", None)
        return str(display()) if display else value
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict | bool | int | float) or value is None:
        return value
    return str(value)


def _record(obj, *, exclude=()) -> Record:
    rec = Record(title=str(obj))
    fields = [*obj._meta.concrete_fields, *obj._meta.many_to_many]
    for f in fields:
        if f.name in EXPORT_EXCLUDE or f.name in exclude:
            continue
        rec.fields.append((f.name, str(f.verbose_name), _value(obj, f)))
    return rec


def _section(key, title, objects, *, exclude=()) -> Section:
    return Section(key=key, title=str(title), records=[_record(o, exclude=exclude) for o in objects])


def citizen_export(citizen: Citizen, *, user=None) -> list[Section]:
    """Everything the portal holds about ``citizen``, grouped in sections (not audited).

    With ``user``: only the cases that user may see (each municipality answers an access
    request for its own cases; another municipality's case is not handed out through it).
    """
    cases = Case.objects.filter(citizen=citizen)
    if user is not None:
        cases = cases & Case.objects.visible_to(user)
    cases = list(cases.select_related("municipality", "created_by"))
    case_ids = [c.pk for c in cases]
    sections = [
        _section("citizen", gettext_lazy("Borger"), [citizen]),
        _section("cases", gettext_lazy("Forløb"), cases, exclude=("citizen",)),
        _section(
            "coordinators",
            gettext_lazy("Tovholdere"),
            CoordinatorAssignment.objects.filter(case__in=case_ids).select_related("person", "organisation"),
        ),
        _section(
            "participants",
            gettext_lazy("Deltagere"),
            Participant.objects.filter(case__in=case_ids).select_related("user", "organisation"),
        ),
        _section(
            "consents",
            gettext_lazy("Samtykker"),
            Consent.objects.filter(citizen=citizen)
            .filter(Q(case__isnull=True) | Q(case__in=case_ids))
            .prefetch_related("organisations", "persons"),
            exclude=("citizen",),
        ),
        _section(
            "plan_versions",
            gettext_lazy("Planer"),
            PlanVersion.objects.filter(plan__case__in=case_ids).select_related("plan__case__citizen"),
        ),
        _section(
            "goals",
            gettext_lazy("Mål"),
            Goal.objects.filter(version__plan__case__in=case_ids).select_related("version"),
        ),
        _section(
            "plan_acceptances",
            gettext_lazy("Accept af planer"),
            PlanAcceptance.objects.filter(version__plan__case__in=case_ids)
            .select_related("version")
            .prefetch_related("participants"),
        ),
        _section(
            "efforts",
            gettext_lazy("Indsatser"),
            Effort.objects.filter(case__in=case_ids).select_related("offer", "receiving_organisation"),
        ),
        _section(
            "tasks",
            gettext_lazy("Opgaver"),
            Task.objects.filter(case__in=case_ids).select_related("responsible"),
        ),
        _section(
            "meetings",
            gettext_lazy("Møder"),
            Meeting.objects.filter(case__in=case_ids).prefetch_related("participants"),
        ),
        _section(
            "attention_points",
            gettext_lazy("Opmærksomhedspunkter"),
            AttentionPoint.objects.filter(case__in=case_ids),
        ),
        _section("decisions", gettext_lazy("Beslutninger"), Decision.objects.filter(case__in=case_ids)),
        _section(
            "network_people",
            gettext_lazy("Netværkskort"),
            NetworkPerson.objects.filter(case__in=case_ids).select_related(
                "user", "organisation", "participant"
            ),
        ),
        _section(
            "network_versions",
            gettext_lazy("Versioner af netværkskortet"),
            NetworkMapVersion.objects.filter(case__in=case_ids)
            .select_related("recorded_by")
            .prefetch_related("participants"),
        ),
        _section(
            "timeline",
            gettext_lazy("Tidslinje"),
            TimelineEvent.objects.filter(case__in=case_ids).select_related("actor"),
            exclude=("object_type", "object_id"),
        ),
        _section(
            "messages",
            gettext_lazy("Beskeder fra borgeren"),
            CitizenMessage.objects.filter(case__in=case_ids),
        ),
        _section(
            "invitations",
            gettext_lazy("Invitationer til Mit forløb"),
            CitizenInvitation.objects.filter(case__in=case_ids),
        ),
        _section(
            "access_log",
            gettext_lazy("Adgangs- og ændringslog"),
            AuditEvent.objects.filter(
                Q(case_id__in=case_ids) | Q(object_type="borgerforloeb.citizen", object_id=str(citizen.pk))
            )
            .select_related("actor")
            .order_by("at", "id"),
            exclude=("object_id",),
        ),
    ]
    return sections


def export_as_json(citizen: Citizen, sections: list[Section]) -> dict:
    return {
        "exported_at": timezone.now().isoformat(),
        "citizen_id": str(citizen.pk),
        "sections": {s.key: [r.as_dict() for r in s.records] for s in sections},
    }


# --- Retention and anonymisation ----------------------------------------------------------------


def retention_days() -> int:
    return int(getattr(settings, "RETENTION_DAYS_AFTER_CLOSE", DEFAULT_RETENTION_DAYS))


def retention_cutoff(today: date | None = None) -> date:
    return (today or timezone.localdate()) - timedelta(days=retention_days())


def _anonymised_marker():
    return AuditEvent.objects.filter(
        object_type="borgerforloeb.case",
        object_id=Cast(OuterRef("pk"), models.CharField()),
        note=ANONYMISED_NOTE,
    )


def retention_candidates(today: date | None = None):
    """Closed cases past the retention period, not yet anonymised, whose citizen has no other
    case still to keep (the citizen's personal data is shared by all their cases)."""
    cutoff = retention_cutoff(today)
    expired = Q(status=Case.Status.CLOSED, end_date__isnull=False, end_date__lt=cutoff)
    kept = Case.objects.filter(citizen=OuterRef("citizen_id")).exclude(expired)
    return (
        Case.objects.filter(expired)
        .exclude(Exists(_anonymised_marker()))
        .exclude(Exists(kept))
        .select_related("citizen", "municipality")
        .order_by("end_date", "pk")
    )


# Free-text fields that may hold personal data; required ones get the placeholder.
CASE_TEXT_FIELDS: dict[type[models.Model], tuple[str, list[str]]] = {
    CoordinatorAssignment: ("case", ["reason"]),
    Participant: ("case", ["name", "responsibility"]),
    Consent: ("case", ["text_shown", "witness", "interpreter_name", "withdrawal_note"]),
    PlanVersion: ("plan__case", ["purpose", "efforts", "expected_duration", "other_matters"]),
    Goal: ("version__plan__case", ["text", "who_helps"]),
    PlanAcceptance: ("version__plan__case", ["interpreter_name", "note"]),
    Effort: ("case", ["title", "description", "decline_reason"]),
    Task: ("case", ["title", "description"]),
    Meeting: ("case", ["title", "place", "agenda", "minutes", "interpreter_language", "interpreter_name"]),
    AttentionPoint: ("case", ["note"]),
    Decision: ("case", ["text", "decided_by", "citizen_involvement"]),
    TimelineEvent: ("case", ["summary"]),
    CitizenMessage: ("case", ["text"]),
    NetworkPerson: ("case", ["name", "relation", "note", "how_to_reach"]),
    NetworkMapVersion: ("case", ["interpreter_name", "others_present", "note"]),
}
CITIZEN_BLANK = [
    "preferred_name",
    "cpr",
    "other_language",
    "phone",
    "email",
    "address",
    "contact_notes",
    "what_matters",
]


def _placeholder_or_blank(model, name) -> str:
    return "" if model._meta.get_field(name).blank else ANONYMISED


# Fields that may be blank but are required by a conditional CHECK (a reason when declined, a
# witness when oral, a name when there is no user): they get the placeholder where they had text.
CONDITIONALLY_REQUIRED = {"decline_reason", "witness", "name", "closed_reason", "interpreter_name"}


def _scrub(qs, names) -> int:
    model = qs.model
    plain = {n: _placeholder_or_blank(model, n) for n in names if n not in CONDITIONALLY_REQUIRED}
    count = qs.update(**plain) if plain else qs.count()
    for name in CONDITIONALLY_REQUIRED & set(names):
        qs.exclude(**{name: ""}).update(**{name: ANONYMISED})
    return count


@dataclass
class AnonymisationPlan:
    """What anonymising one case touches (the dry run prints this)."""

    case_id: str
    municipality: str
    end_date: date | None
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _case_rows(case: Case) -> dict[type[models.Model], models.QuerySet]:
    querysets = {}
    for model, (path, _names) in CASE_TEXT_FIELDS.items():
        if model is Consent:
            querysets[model] = Consent.objects.filter(Q(case=case) | Q(citizen_id=case.citizen_id))
        else:
            querysets[model] = model.objects.filter(**{path: case})
    return querysets


def _audit_rows(case: Case):
    consent_ids = [
        str(pk) for pk in Consent.objects.filter(citizen_id=case.citizen_id).values_list("pk", flat=True)
    ]
    return AuditEvent.objects.filter(
        Q(case_id=case.pk)
        | Q(object_type="borgerforloeb.citizen", object_id=str(case.citizen_id))
        | Q(object_type="borgerforloeb.case", object_id=str(case.pk))
        | Q(object_type="borgerforloeb.consent", object_id__in=consent_ids)
    )


def _notification_rows(case: Case, names: list[str]):
    match = Q(url__contains=str(case.pk)) | Q(event_key__contains=str(case.pk))
    for name in names:
        if name:
            match |= Q(subject__icontains=name) | Q(body__icontains=name)
    return Notification.objects.filter(match)


def _personal_names(citizen: Citizen) -> list[str]:
    return [n for n in {citizen.full_name, citizen.preferred_name} if n and n != ANONYMISED]


def plan_anonymisation(case: Case) -> AnonymisationPlan:
    """Count the rows ``anonymise_case`` would change; changes nothing."""
    plan = AnonymisationPlan(
        case_id=str(case.pk), municipality=str(case.municipality), end_date=case.end_date
    )
    plan.rows["borgerforloeb.citizen"] = 1
    plan.rows["borgerforloeb.case"] = 1
    for model, qs in _case_rows(case).items():
        plan.rows[f"{model._meta.app_label}.{model._meta.model_name}"] = qs.count()
    plan.rows["core.auditevent"] = _audit_rows(case).count()
    plan.rows["core.notification"] = _notification_rows(case, _personal_names(case.citizen)).count()
    return plan


def allow_audit_rewrite() -> None:
    """Let this transaction rewrite audit rows (the database refuses it otherwise; see the
    core migration that installs the append-only trigger). Only anonymisation calls this."""
    if not connection.in_atomic_block:
        raise RuntimeError("allow_audit_rewrite() must run inside transaction.atomic().")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL portal.allow_audit_purge = 'on'")


def anonymise_case(*, actor, case: Case, today: date | None = None) -> AnonymisationPlan:
    """Remove every piece of personal data of ``case`` and its citizen, in one transaction.

    Kept: the structure (dates, statuses, organisations, staff users) for statistics and the
    fact that the audit rows happened (who, when, which action); their object text and changes
    are scrubbed. Refuses a case that is not (or no longer) a retention candidate.
    """
    with transaction.atomic():
        case = retention_candidates(today).select_for_update(of=("self",)).filter(pk=case.pk).first()
        if case is None:
            raise ValueError("The case is not a retention candidate.")
        plan = plan_anonymisation(case)
        citizen = case.citizen
        names = _personal_names(citizen)
        for model, qs in _case_rows(case).items():
            _scrub(qs, CASE_TEXT_FIELDS[model][1])
        # The snapshots of the network map hold the people's names too.
        NetworkMapVersion.objects.filter(case=case).update(snapshot=[])
        Case.objects.filter(pk=case.pk).update(summary="", closed_reason=ANONYMISED)
        Citizen.objects.filter(pk=citizen.pk).update(
            full_name=ANONYMISED,
            date_of_birth=None,
            arrived_on=None,
            **dict.fromkeys(CITIZEN_BLANK, ""),
        )
        _notification_rows(case, names).update(subject=ANONYMISED, body="")
        allow_audit_rewrite()
        _audit_rows(case).update(object_repr=ANONYMISED, changes={})
        case.refresh_from_db()
        audit.record(
            actor=actor,
            action=AuditEvent.Action.OTHER,
            obj=case,
            case_id=case.pk,
            changes={"rows": plan.rows},
            note=ANONYMISED_NOTE,
        )
    return plan


# --- Audit rows past the legal retention period ---------------------------------------------------


def audit_retention_days() -> int:
    return int(getattr(settings, "AUDIT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def audit_retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=audit_retention_days())


def expired_audit_rows(now: datetime | None = None):
    """Audit rows older than ``AUDIT_RETENTION_DAYS``; the markers of anonymised cases stay (they
    hold no personal data and keep an anonymised case from being anonymised again)."""
    return AuditEvent.objects.filter(at__lt=audit_retention_cutoff(now)).exclude(
        object_type="borgerforloeb.case", note=ANONYMISED_NOTE
    )


def prune_audit_rows(now: datetime | None = None) -> int:
    """Delete the expired audit rows (in one transaction); returns how many."""
    with transaction.atomic():
        allow_audit_rewrite()
        deleted, _by_model = expired_audit_rows(now).delete()
    return deleted


def anonymise_closed_cases(*, actor=None, limit: int = DEFAULT_RUN_LIMIT, dry_run: bool = False, today=None):
    """Anonymise up to ``limit`` retention candidates (oldest end date first).

    Returns the plans (what was, or with ``dry_run`` would be, changed).
    """
    plans = []
    for case in retention_candidates(today)[: max(limit, 0)]:
        if dry_run:
            plans.append(plan_anonymisation(case))
        else:
            plans.append(anonymise_case(actor=actor, case=case, today=today))
    return plans
