""" "Det skal jeg": everything the signed-in person owes, one provider function per group.

Each provider takes the user and returns a ``Group``: its rows (one query, through the
visibility rule where case data is read) and the queryset the nav's count is made of. A new kind of
duty (e.g. case transfers) is one more provider function appended to ``PROVIDERS``; the page, its
count in the nav and its tests pick it up from there.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from borgerforloeb.models import Case, CitizenMessage, CoordinatorAssignment, Effort, PlanVersion, Task
from borgerforloeb.services.transfers import inbound_transfers_for
from core.roles import Role
from samarbejde.models import ForumAction, Membership

ROW_LIMIT = 100  # per group; the page says when a group has more


@dataclass
class Row:
    title: str
    url: str
    due: date | None = None
    detail: str = ""

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


@dataclass
class Group:
    key: str
    heading: str
    link_label: str = ""
    link_url: str = ""
    queryset: QuerySet | None = None  # what the nav counts (one row per duty)
    build: Callable[[object], Row] | None = None
    rows: list[Row] = field(default_factory=list)

    def load(self) -> Group:
        items = list(self.queryset[: ROW_LIMIT + 1])
        self.more = len(items) > ROW_LIMIT
        self.rows = [self.build(item) for item in items[:ROW_LIMIT]]
        return self


def _first_name(citizen) -> str:
    return (citizen.preferred_name or citizen.full_name or "").split(" ")[0]


def _visible_cases(user):
    """The user's open visible cases as a subquery, built once per user object (one request)."""
    if "_todo_visible_cases" not in user.__dict__:
        user.__dict__["_todo_visible_cases"] = (
            Case.objects.visible_to(user).filter(status=Case.Status.OPEN).values("pk")
        )
    return user.__dict__["_todo_visible_cases"]


def _coordinated_cases(user):
    return CoordinatorAssignment.objects.active().filter(person=user).values("case_id")


def tasks(user) -> Group:
    qs = (
        Task.objects.open()
        .filter(responsible=user, case__in=_visible_cases(user))
        .select_related("case__citizen")
        .order_by("due_date", "created_at", "pk")
    )
    return Group(
        key="tasks",
        heading=_("Opgaver i forløb"),
        link_label=_("Mine opgaver"),
        link_url=reverse("borgerforloeb:my_tasks"),
        queryset=qs,
        build=lambda t: Row(
            title=t.title,
            url=reverse("borgerforloeb:case_detail", kwargs={"pk": t.case_id}) + "#tasks-heading",
            due=t.due_date,
            detail=_first_name(t.case.citizen),
        ),
    )


def forum_actions(user) -> Group:
    qs = ForumAction.objects.open_for(user).select_related("meeting__forum__municipality")
    return Group(
        key="forum_actions",
        heading=_("Opgaver fra fora"),
        link_label=_("Opgaver fra fora"),
        link_url=reverse("samarbejde:my_forum_actions"),
        queryset=qs,
        build=lambda a: Row(
            title=a.title, url=a.get_absolute_url(), due=a.due_date, detail=a.meeting.forum.name
        ),
    )


ACTIVE_EFFORT = [
    Effort.Status.PROPOSED,
    Effort.Status.REFERRED,
    Effort.Status.ACCEPTED,
    Effort.Status.STARTED,
]


def efforts(user) -> Group:
    qs = (
        Effort.objects.filter(responsible=user, status__in=ACTIVE_EFFORT, case__in=_visible_cases(user))
        .select_related("case__citizen")
        .order_by("end_date", "proposed_on", "pk")
    )
    return Group(
        key="efforts",
        heading=_("Indsatser jeg er ansvarlig for"),
        queryset=qs,
        build=lambda e: Row(
            title=f"{e.title} ({e.get_status_display().lower()})",
            url=reverse("borgerforloeb:effort_list", kwargs={"pk": e.case_id}),
            due=e.end_date,
            detail=_first_name(e.case.citizen),
        ),
    )


def referrals(user) -> Group:
    orgs = Membership.objects.filter(user=user, organisation__archived_at__isnull=True).values(
        "organisation_id"
    )
    qs = (
        Effort.objects.filter(
            receiving_organisation__in=orgs, status=Effort.Status.REFERRED, referred_at__isnull=False
        )
        .select_related("receiving_organisation")
        .order_by("referred_at", "pk")
    )
    return Group(
        key="referrals",
        heading=_("Henvisninger der venter på svar"),
        link_label=_("Henvisninger"),
        link_url=reverse("borgerforloeb:referral_list"),
        queryset=qs,
        # Receiving members may not see the case: the effort's title and organisation only.
        build=lambda e: Row(
            title=e.title,
            url=reverse("borgerforloeb:referral_answer", kwargs={"effort_pk": e.pk}),
            due=timezone.localtime(e.referred_at).date(),
            detail=e.receiving_organisation.name,
        ),
    )


def plan_reviews(user) -> Group:
    horizon = timezone.localdate() + timedelta(days=settings.REMINDER_PLAN_REVIEW_NOTICE_DAYS)
    qs = (
        PlanVersion.objects.filter(
            status=PlanVersion.Status.ACCEPTED,
            next_review__lte=horizon,
            plan__case__in=_visible_cases(user),
        )
        .filter(plan__case__in=_coordinated_cases(user))
        .select_related("plan__case__citizen")
        .order_by("next_review", "pk")
    )
    return Group(
        key="plan_reviews",
        heading=_("Planer der skal revideres"),
        queryset=qs,
        build=lambda v: Row(
            title=_("Handleplan version %(number)s") % {"number": v.number},
            url=reverse("borgerforloeb:plan_detail", kwargs={"pk": v.plan.case_id}),
            due=v.next_review,
            detail=_first_name(v.plan.case.citizen),
        ),
    )


def citizen_messages(user) -> Group:
    qs = (
        CitizenMessage.objects.filter(
            read_at__isnull=True, case__in=_visible_cases(user), case_id__in=_coordinated_cases(user)
        )
        .select_related("case__citizen")
        .order_by("created_at", "pk")
    )
    return Group(
        key="citizen_messages",
        heading=_("Ulæste beskeder fra borgere"),
        queryset=qs,
        build=lambda m: Row(
            title=m.get_kind_display(),
            url=reverse("borgerforloeb:case_detail", kwargs={"pk": m.case_id}),
            due=timezone.localtime(m.created_at).date(),
            detail=_first_name(m.case.citizen),
        ),
    )


# The groups in the order the page shows them. Append a provider to add a group.
def transfers(user) -> Group:
    """Cases moving to the user's municipality, waiting for a caseworker's answer (only the
    transfer's summary: the case is not theirs until they accept it)."""
    return Group(
        key="transfers",
        heading=_("Overdragelser til din kommune"),
        link_label=_("Overdragelser"),
        link_url=reverse("borgerforloeb:transfer_list"),
        queryset=inbound_transfers_for(user),
        build=lambda t: Row(
            title=gettext("Forløb fra %(municipality)s") % {"municipality": t.from_municipality.name},
            url=reverse("borgerforloeb:transfer_detail", kwargs={"pk": t.pk}),
            due=t.move_date,
        ),
    )


PROVIDERS: list[Callable[[object], Group]] = [
    transfers,
    referrals,
    tasks,
    forum_actions,
    citizen_messages,
    plan_reviews,
    efforts,
]


def groups_for(user) -> list[Group]:
    """Every group with its rows: one query per group, whatever the data size."""
    return [provider(user).load() for provider in PROVIDERS]


# The nav's count SQL, compiled once per process for each (user, roles, day): building the groups'
# querysets and their visibility rule costs more than running the statement. Everything else the
# rule depends on (memberships, consents, assignments) is read by the statement itself.
_COMPILED: OrderedDict = OrderedDict()
COMPILED_MAX = 4096


def count_sql(user) -> tuple[str, list]:
    """The nav's count as one SQL expression (a sum of the groups' counts), for the context
    processor to run in the same query as the unread notifications."""
    key = (
        user.pk,
        user.is_active,
        user.is_superuser,
        frozenset(role for role in Role if user.has_role(role)),
        timezone.localdate(),
        settings.REMINDER_PLAN_REVIEW_NOTICE_DAYS,
    )
    if key in _COMPILED:
        _COMPILED.move_to_end(key)
        return _COMPILED[key]
    compiled = _compile_count(user)
    _COMPILED[key] = compiled
    if len(_COMPILED) > COMPILED_MAX:
        _COMPILED.popitem(last=False)
    return compiled


def _compile_count(user) -> tuple[str, list]:
    parts, params = [], []
    for provider in PROVIDERS:
        try:
            sql, part_params = provider(user).queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a group that is empty for this user by rule (``.none()``)
            continue
        parts.append(f"(SELECT count(*) FROM ({sql}) AS g)")  # noqa: S608 (Django-compiled SQL)
        params.extend(part_params)
    return " + ".join(parts) or "0", tuple(params)


def total(user) -> int:
    sql, params = count_sql(user)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)  # noqa: S608 (Django-compiled SQL)
        return cursor.fetchone()[0]
