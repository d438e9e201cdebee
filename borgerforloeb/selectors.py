"""Reads for the case pages. Every one starts from ``Case.objects.visible_to(user)``."""

from __future__ import annotations

import difflib
import json
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import Cast, Coalesce, JSONObject
from django.http import Http404
from django.utils import timezone

from borgerforloeb import permissions
from borgerforloeb.models import (
    AttentionPoint,
    Case,
    Citizen,
    CitizenInvitation,
    CitizenMessage,
    Consent,
    CoordinatorAssignment,
    Effort,
    Goal,
    Meeting,
    Participant,
    PlanVersion,
    Task,
    TimelineEvent,
    caseworker_municipalities,
)
from core.audit import CITIZEN_VIEW_NOTE
from core.models import AuditEvent
from core.pages import bind, compiled, page_of, placeholders_bound, user_key
from core.roles import Role
from core.rows import Rows
from samarbejde.models import Membership, Municipality, Organisation


def visible_case(user, pk) -> Case:
    """The case or Http404 (never 403) when the user may not see it."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Case.objects.visible_to(user).select_related("citizen", "municipality"), pk=pk)


def active_coordinator_prefetch() -> Prefetch:
    return Prefetch(
        "coordinator_assignments",
        queryset=CoordinatorAssignment.objects.active().select_related("person", "organisation"),
        to_attr="active_coordinators",
    )


def _count(qs):
    return Coalesce(
        Subquery(
            qs.order_by().values("case").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        Value(0),
    )


def with_overview(cases):
    """Annotate open/overdue task counts and the next meeting; prefetch the active coordinator.

    A fixed number of queries whatever the number of cases.
    """
    today = timezone.localdate()
    open_tasks = Task.objects.filter(case=OuterRef("pk"), status=Task.Status.OPEN)
    return (
        cases.select_related("citizen", "municipality")
        .annotate(
            open_task_count=_count(open_tasks),
            overdue_task_count=_count(open_tasks.filter(due_date__lt=today)),
            next_meeting_at=Subquery(
                Meeting.objects.filter(case=OuterRef("pk"), starts_at__gte=timezone.now())
                .order_by()
                .values("case")
                .annotate(m=Min("starts_at"))
                .values("m")[:1]
            ),
        )
        .prefetch_related(active_coordinator_prefetch())
    )


def my_cases(user, *, all_visible: bool = False):
    """Cases the user coordinates or takes part in (or all they may see), with an overview."""
    cases = Case.objects.visible_to(user)
    if not all_visible:
        cases = cases.involving(user)
    cases = cases.annotate(
        i_coordinate=Exists(CoordinatorAssignment.objects.active().filter(case=OuterRef("pk"), person=user)),
        my_role=Subquery(
            Participant.objects.filter(case=OuterRef("pk"), user=user, active=True).values("role")[:1]
        ),
    )
    status_order = SqlCase(
        When(status=Case.Status.OPEN, then=Value(0)),
        When(status=Case.Status.PAUSED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return with_overview(cases).order_by(status_order, "-i_coordinate", "citizen__full_name", "pk")


MY_CASES_FIELDS = (
    "id",
    "status",
    "citizen__full_name",
    "citizen__preferred_name",
    "municipality__name",
    "coordinator_name",
    "i_coordinate",
    "my_role",
    "open_task_count",
    "overdue_task_count",
    "next_meeting_at",
)


def my_cases_page(user, *, all_visible: bool, number, size: int) -> Page:
    """A page of ``my_cases`` in one statement compiled once per (user, list, day): what the list
    shows of each case, with the name of its active coordinator."""

    def build() -> Rows:
        coordinator = CoordinatorAssignment.objects.active().filter(case=OuterRef("pk"))
        cases = (
            my_cases(user, all_visible=all_visible)
            .prefetch_related(None)
            .annotate(coordinator_name=Subquery(coordinator.values("person__full_name")[:1]))
        )
        return Rows(cases, MY_CASES_FIELDS)

    key = ("my_cases", user_key(user), all_visible, timezone.localdate())
    page = page_of(key, build, number, size)
    for case in page.object_list:
        if case.next_meeting_at:
            case.next_meeting_at = datetime.fromisoformat(case.next_meeting_at)
    return page


def my_tasks(user, *, include_done: bool = False):
    """Tasks the user is responsible for, in cases they may still see; overdue first."""
    tasks = Task.objects.filter(responsible=user, case__in=Case.objects.visible_to(user).values("pk"))
    if not include_done:
        tasks = tasks.filter(status=Task.Status.OPEN)
    today = timezone.localdate()
    return (
        tasks.select_related("case__citizen")
        .annotate(
            overdue=ExpressionWrapper(
                Q(status=Task.Status.OPEN, due_date__lt=today), output_field=BooleanField()
            )
        )
        .order_by(
            "-status",  # open before done
            F("overdue").desc(nulls_last=True),
            F("due_date").asc(nulls_last=True),
            "created_at",
            "pk",
        )
    )


MY_TASKS_FIELDS = (
    "id",
    "title",
    "description",
    "status",
    "due_date",
    "overdue",
    "case__id",
    "case__citizen__full_name",
    "case__citizen__preferred_name",
)


def my_tasks_page(user, *, include_done: bool, number, size: int) -> Page:
    """A page of ``my_tasks`` in one statement compiled once per (user, list, day)."""
    key = ("my_tasks", user_key(user), include_done, timezone.localdate())
    return page_of(key, partial(_task_rows, user, include_done), number, size)


def _task_rows(user, include_done: bool) -> Rows:
    return Rows(my_tasks(user, include_done=include_done), MY_TASKS_FIELDS)


# --- Likely duplicates without CPR ---------------------------------------------------------------

_LONG_VOWELS = {"â": "aa", "ê": "ee", "î": "ii", "ô": "oo", "û": "uu"}
_LETTERS = {"å": "aa", "æ": "ae", "ø": "oe", "ĸ": "q"}


def normalise_name(name: str) -> str:
    """A spelling-tolerant key for names, Greenlandic variants included.

    Old and new Greenlandic orthography (Nûk/Nuuk, Kâlêraq/Kaalerak, ĸ/q), Danish letters
    written out (å/aa, ø/oe, æ/ae), q/k and doubled letters all compare equal.
    """
    text = (name or "").lower().strip()
    for src, dst in {**_LONG_VOWELS, **_LETTERS}.items():
        text = text.replace(src, dst)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.replace("q", "k").replace("-", " ")
    text = "".join(c for c in text if c.isalpha() or c == " ")
    collapsed = []
    for char in text:
        if not collapsed or char != collapsed[-1]:
            collapsed.append(char)
    return " ".join("".join(collapsed).split())


def names_similar(a: str, b: str) -> bool:
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return False
    if na == nb or set(na.split()) == set(nb.split()):
        return True
    # Same first and last name with a middle name more or less.
    ta, tb = na.split(), nb.split()
    if ta[0] == tb[0] and ta[-1] == tb[-1]:
        return True
    return difflib.SequenceMatcher(None, na, nb).ratio() >= 0.85


def likely_duplicates(user, *, full_name: str, date_of_birth, exclude_pk=None) -> list[Citizen]:
    """Citizens the user may see with the same date of birth and a similar name."""
    if not date_of_birth or not full_name:
        return []
    candidates = Citizen.objects.visible_to(user).filter(date_of_birth=date_of_birth)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    return [
        c
        for c in candidates[:200]
        if names_similar(full_name, c.full_name) or names_similar(full_name, c.preferred_name)
    ]


# --- People pickers ------------------------------------------------------------------------------


def people_for(user, case=None):
    """Active staff ``user`` may pick for a role (coordinator, participant, person in a consent).

    Not every staff member in the country: the people of the user's own municipalities (members
    of their active organisations), and on a case also the case's municipality's people, its
    active participants and coordinator, and the people its citizen's valid consents cover (by
    name or through an organisation). A superuser may pick any active member of an organisation.
    """
    from django.contrib.auth import get_user_model

    from borgerforloeb.models import Consent
    from samarbejde.models import Membership

    User = get_user_model()
    staff = User.objects.filter(is_active=True)
    active_memberships = Membership.objects.filter(organisation__archived_at__isnull=True)
    if user is not None and user.is_superuser and user.is_active:
        return staff.filter(pk__in=active_memberships.values("user_id")).order_by("full_name", "pk")
    if user is None or not getattr(user, "is_authenticated", False):
        return staff.none()
    own_municipalities = active_memberships.filter(user=user).values("organisation__municipality_id")
    rule = Q(
        pk__in=active_memberships.filter(organisation__municipality_id__in=own_municipalities).values(
            "user_id"
        )
    )
    if case is not None:
        consents = (
            Consent.objects.valid()
            .filter(citizen_id=case.citizen_id)
            .filter(Q(case__isnull=True) | Q(case_id=case.pk))
        )
        rule |= (
            Q(
                pk__in=active_memberships.filter(organisation__municipality_id=case.municipality_id).values(
                    "user_id"
                )
            )
            | Q(pk__in=Participant.objects.filter(case_id=case.pk, active=True).values("user_id"))
            | Q(pk__in=CoordinatorAssignment.objects.active().filter(case_id=case.pk).values("person_id"))
            | Q(pk__in=consents.values("persons"))
            | Q(
                pk__in=active_memberships.filter(organisation__in=consents.values("organisations")).values(
                    "user_id"
                )
            )
        )
    return staff.filter(rule).order_by("full_name", "pk")


def case_efforts(case):
    """The efforts of a case, newest proposal first, with what the efforts pages show."""
    return (
        Effort.objects.filter(case=case)
        .select_related("offer", "receiving_organisation", "responsible", "answered_by")
        .order_by("-proposed_on", "title", "pk")
    )


# --- The citizen's own access log (Mit forløb: "Hvem har set mit forløb") ------------------------


def citizen_audit_events(citizen: Citizen):
    """Every audit row about the citizen's cases (closed ones too) and record (the citizen, their
    consents), by a staff user, newest first. The citizen's own rows and the system's (no user)
    are left out."""
    case_ids = Case.objects.filter(citizen=citizen).values("pk")
    consent_ids = (
        Consent.objects.filter(citizen=citizen).annotate(pk_text=Cast("pk", CharField())).values("pk_text")
    )
    return (
        AuditEvent.objects.filter(
            Q(case_id__in=case_ids)
            | Q(object_type="borgerforloeb.citizen", object_id=str(citizen.pk))
            | Q(object_type="borgerforloeb.consent", object_id__in=consent_ids)
        )
        .filter(actor__isnull=False)
        .select_related("actor")
        .prefetch_related(
            "actor__groups",
            Prefetch("actor__memberships", queryset=Membership.objects.select_related("organisation")),
        )
        .order_by("-at", "-id")
    )


@dataclass(frozen=True)
class CaseRole:
    """A person's place in one of the citizen's cases from ``start`` to ``end`` (None: still)."""

    case_id: object
    start: object
    end: object
    label: str
    organisation: str


def _case_roles(citizen: Citizen) -> dict:
    """{user id: [CaseRole, …]} for every participant and coordinator of the citizen's cases, ever."""
    roles = defaultdict(list)
    participants = Participant.objects.filter(case__citizen=citizen, user__isnull=False).select_related(
        "organisation"
    )
    for p in participants:
        end = p.ended_at if p.ended_at or p.active else p.added_at
        org = p.organisation.name if p.organisation else ""
        roles[p.user_id].append(CaseRole(p.case_id, p.added_at, end, str(p.get_role_display()), org))
    assignments = CoordinatorAssignment.objects.filter(case__citizen=citizen).select_related("organisation")
    for a in assignments:
        org = a.organisation.name if a.organisation else ""
        label = str(Participant.Role.COORDINATOR.label)
        roles[a.person_id].append(CaseRole(a.case_id, a.started_at, a.ended_at, label, org))
    return roles


def _role_at(roles: list[CaseRole], event) -> CaseRole | None:
    for role in roles:
        same_case = event.case_id is None or role.case_id == event.case_id
        if same_case and role.start <= event.at and (role.end is None or event.at <= role.end):
            return role
    return None


def describe_access(event, roles: dict) -> None:
    """Set on ``event`` what the citizen is told about the person: ``case_role`` (their role in
    the case then, "" if none), ``organisation``, ``is_administrator``, ``outsider`` (not a
    participant or coordinator of the case at the time) and ``stands_out`` (either)."""
    actor = event.actor
    role = _role_at(roles.get(event.actor_id, []), event)
    memberships = list(actor.memberships.all())
    event.case_role = role.label if role else ""
    event.organisation = (role.organisation if role else "") or (
        memberships[0].organisation.name if memberships else ""
    )
    groups = {g.name for g in actor.groups.all()}
    event.is_administrator = actor.is_superuser or Role.ADMINISTRATOR.value in groups
    event.outsider = role is None
    event.stands_out = event.outsider or event.is_administrator


def citizen_access_page(citizen: Citizen, page_number, *, per_page: int = 25) -> Page:
    """One page of ``citizen_audit_events``, each row described (``describe_access``): a fixed
    number of queries whatever the page or the case holds."""
    page = Paginator(citizen_audit_events(citizen), per_page).get_page(page_number)
    roles = _case_roles(citizen)
    for event in page.object_list:
        describe_access(event, roles)
    return page


REFERABLE_LIMIT = 20


def referable_cases(user, q: str = "", limit: int = REFERABLE_LIMIT) -> list[Case]:
    """Open cases the user may refer from (visible, and theirs: they coordinate or take part, or
    are a caseworker of the case's municipality), matching ``q`` in the citizen's name; at most
    ``limit``, one query."""
    own = Case.objects.involving(user)
    if user.has_role(Role.CASEWORKER):
        own = own | Case.objects.filter(municipality_id__in=caseworker_municipalities(user))
    cases = Case.objects.visible_to(user).open().filter(pk__in=own.values("pk"))
    for word in q.split()[:5]:
        cases = cases.filter(
            Q(citizen__full_name__icontains=word) | Q(citizen__preferred_name__icontains=word)
        )
    return list(cases.select_related("citizen").order_by("citizen__full_name", "pk")[:limit])


# --- The case page: every panel in one statement -----------------------------------------------

_PERSON = ("id", "full_name", "email")


def _person(prefix: str, *extra: str) -> tuple[str, ...]:
    return (f"{prefix}_id", *(f"{prefix}__{name}" for name in (*_PERSON, *extra)))


def case_page_rows(today, since) -> dict[str, Rows]:
    """The lists on the case page, each correlated to the case row (meetings from ``since`` on)."""
    case = OuterRef("pk")
    return {
        "coordinators": Rows(
            CoordinatorAssignment.objects.filter(case=case).order_by(
                F("ended_at").desc(nulls_first=True), "-started_at"
            )[:6],
            (
                "id",
                "case_id",
                "started_at",
                "ended_at",
                *_person("person", "phone"),
                "organisation_id",
                "organisation__id",
                "organisation__name",
            ),
        ),
        "participants": Rows(
            Participant.objects.filter(case=case, active=True).order_by("role", "added_at"),
            (
                "id",
                "case_id",
                "name",
                "role",
                "responsibility",
                "active",
                *_person("user"),
                "organisation_id",
                "organisation__id",
                "organisation__name",
            ),
        ),
        "tasks": Rows(
            Task.objects.filter(case=case, status=Task.Status.OPEN)
            .annotate(overdue=ExpressionWrapper(Q(due_date__lt=today), output_field=BooleanField()))
            .order_by(F("overdue").desc(nulls_last=True), F("due_date").asc(nulls_last=True), "created_at"),
            ("id", "case_id", "title", "due_date", "status", "overdue", *_person("responsible")),
        ),
        "meetings": Rows(
            Meeting.objects.filter(case=case, starts_at__gte=since).order_by("starts_at")[:5],
            (
                "id",
                "case_id",
                "title",
                "starts_at",
                "place",
                "interpreter_needed",
                "interpreter_language",
                "interpreter_booked",
                "interpreter_name",
            ),
        ),
        "plan_versions": Rows(
            PlanVersion.objects.filter(
                plan__case=case, status__in=[PlanVersion.Status.ACCEPTED, PlanVersion.Status.DRAFT]
            ).order_by("-number"),
            (
                "id",
                "plan_id",
                "number",
                "status",
                "purpose",
                "accepted_at",
                "next_review",
                "acceptance__id",
                "acceptance__citizen_participation",
                "acceptance__citizen_sign_in",
                "acceptance__invitation_id",
                "acceptance__invitation__id",
                *_person("acceptance__invitation__created_by"),
            ),
            many={
                "goals": Rows(
                    Goal.objects.filter(version=OuterRef("pk")).order_by("order", "id"),
                    ("id", "version_id", "text", "who_helps", "order"),
                )
            },
        ),
        "attention_points": Rows(
            AttentionPoint.objects.filter(case=case).order_by("order", "id"),
            ("id", "case_id", "key", "label", "status", "note", "order"),
        ),
        "consents": Rows(
            Consent.objects.filter(citizen=OuterRef("citizen_id"))
            .filter(Q(case__isnull=True) | Q(case=case))
            .order_by("withdrawn_at", "-valid_from"),
            (
                "id",
                "citizen_id",
                "case_id",
                "valid_from",
                "valid_until",
                "withdrawn_at",
                "given_how",
                "withdrawn_sign_in",
                "withdrawn_invitation_id",
                "withdrawn_invitation__id",
                *_person("withdrawn_invitation__created_by"),
            ),
            many={
                "organisations": Rows(
                    Organisation.objects.filter(consents=OuterRef("pk")).order_by("name"), ("id", "name")
                ),
                "persons": Rows(get_user_model().objects.filter(consents=OuterRef("pk")), _PERSON),
            },
        ),
        "timeline": Rows(
            TimelineEvent.objects.filter(case=case).order_by("-at", "-id")[:8],
            ("id", "case_id", "at", "kind", "summary", *_person("actor")),
        ),
        "efforts": Rows(
            Effort.objects.filter(case=case)
            .exclude(status=Effort.Status.ENDED)
            .order_by("-proposed_on", "title", "pk")[:10],
            (
                "id",
                "case_id",
                "title",
                "status",
                "answered_at",
                "decline_reason",
                "decline_reason_kind",
                "receiving_organisation_id",
                "receiving_organisation__id",
                "receiving_organisation__name",
                *_person("responsible"),
            ),
        ),
        "invitations": Rows(
            CitizenInvitation.objects.filter(case=case).order_by("-created_at")[:1],
            ("id", "case_id", "created_at", "expires_at", "used_at", "locked_at", "revoked_at"),
        ),
        "unread_messages": Rows(
            CitizenMessage.objects.filter(case=case, read_at__isnull=True).order_by("-created_at", "-id")[
                :20
            ],
            ("id", "case_id", "kind", "text", "created_at", "read_at"),
        ),
    }


# What the case page's statement is compiled with in the place of the case and the moment (see
# ``core.pages.bind``): values no request has.
_CASE_PLACEHOLDER = uuid.UUID("00000000-0000-4000-8000-00000000ca5e")
_SINCE_PLACEHOLDER = datetime(1901, 1, 1, 0, 0, 1, tzinfo=UTC)
_PAGE_MODELS = {
    "case": ("", Case),
    "citizen": ("citizen__", Citizen),
    "municipality": ("municipality__", Municipality),
}


def _case_statement(user, today) -> tuple[str, tuple, dict[str, Rows]]:
    rows = case_page_rows(today, _SINCE_PLACEHOLDER)
    caseworker = permissions.has_caseworker_role(user)
    scope = caseworker_municipalities(user)
    queryset = (
        Case.objects.visible_to(user)
        .filter(pk=_CASE_PLACEHOLDER)
        .annotate(
            **{f"_rows_{name}": spec.expression() for name, spec in rows.items()},
            _i_coordinate=Exists(
                CoordinatorAssignment.objects.active().filter(case=OuterRef("pk"), person=user)
            ),
            _case_caseworker=Exists(scope.filter(municipality_id=OuterRef("municipality_id")))
            if caseworker
            else Value(False),
            _citizen_caseworker=Exists(scope.filter(municipality_id=OuterRef("citizen__municipality_id")))
            if caseworker
            else Value(False),
            _citizen_last_seen=Subquery(
                AuditEvent.objects.filter(
                    case_id=OuterRef("pk"), action=AuditEvent.Action.VIEW, note=CITIZEN_VIEW_NOTE
                )
                .order_by("-at", "-id")
                .values("at")[:1]
            ),
        )
    )
    # The case, its citizen and municipality (every field: the page may show any) and the panels,
    # as JSON (one object per part: PostgreSQL builds objects of at most 50 keys).
    parts = {
        part: JSONObject(**{f.attname: F(prefix + f.attname) for f in model._meta.concrete_fields})
        for part, (prefix, model) in _PAGE_MODELS.items()
    }
    parts["annotations"] = JSONObject(**{name: F(name) for name in queryset.query.annotations})
    sql, params = queryset.values(row=JSONObject(**parts)).query.sql_with_params()
    placeholders_bound(sql, params, (_CASE_PLACEHOLDER, _SINCE_PLACEHOLDER))
    return sql, params, rows


def case_page(user, pk) -> tuple[Case, dict]:
    """The case (or Http404) and every panel of its page, read in one statement together with
    the facts its permission checks ask (is the user its coordinator, a caseworker of its or its
    citizen's municipality), which are remembered on the case for ``permissions``.

    The statement is compiled once per (user, day) with placeholders for the case and the moment
    (``core.pages``): building and compiling it costs more than running it."""
    today, now = timezone.localdate(), timezone.now()
    sql, params, rows = compiled(("case_page", user_key(user), today), partial(_case_statement, user, today))
    values = {_CASE_PLACEHOLDER: pk, _SINCE_PLACEHOLDER: now - timedelta(hours=2)}
    with connection.cursor() as cursor:
        cursor.execute(sql, bind(params, values))
        found = cursor.fetchone()
    if found is None:
        raise Http404
    data = found[0] if isinstance(found[0], dict) else json.loads(found[0])
    flat = {
        prefix + name: value
        for part, (prefix, _model) in _PAGE_MODELS.items()
        for name, value in data[part].items()
    }
    case = Rows._instance(Case, flat)
    annotations = data["annotations"]
    permissions.remember(
        user,
        case,
        visible=True,
        active_coordinator=annotations["_i_coordinate"],
        case_caseworker=annotations["_case_caseworker"],
    )
    permissions.remember(user, case.citizen, citizen_caseworker=annotations["_citizen_caseworker"])
    panels = {name: spec.load(annotations[f"_rows_{name}"]) for name, spec in rows.items()}
    last_seen = annotations["_citizen_last_seen"]
    panels["citizen_last_seen"] = datetime.fromisoformat(last_seen) if last_seen else None
    return case, panels
