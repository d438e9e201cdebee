""" "Det skal jeg": everything the signed-in person owes, one provider function per group.

Each provider takes the user and returns a ``Group``: the queryset of its duties (through the
visibility rule where case data is read), the columns a row needs and how a row is built from
them. A new kind of duty (e.g. case transfers) is one more provider function appended to
``PROVIDERS``; the page, its count in the nav and its tests pick it up from there.

The page and the nav's count each run one statement: the groups' queries compiled together, the
person's visible open cases planned once as a common table expression (``todo_visible``) that the
groups read. Compiling costs more than running, so each statement is compiled once per process for
each (user, roles, day) and only run afterwards; everything else the rule depends on
(memberships, consents, assignments) is read by the statement itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from borgerforloeb.models import Case, CitizenMessage, CoordinatorAssignment, Effort, PlanVersion, Task
from borgerforloeb.services.transfers import inbound_transfers_for
from core.pages import compiled, user_key
from samarbejde.models import ForumAction, Membership

ROW_LIMIT = 100  # per group; the page says when a group has more
VISIBLE = "todo_visible"  # the common table expression of the person's visible open cases


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
    queryset: QuerySet | None = None  # one row per duty, in the page's order
    columns: dict[str, str] = field(default_factory=dict)  # row key -> field path
    build: Callable[[dict], Row] | None = None
    rows: list[Row] = field(default_factory=list)
    count: int = 0  # every duty of the group, also those past ROW_LIMIT

    @property
    def more(self) -> bool:
        return self.count > len(self.rows)


def _visible_cases(user):
    """The user's open visible cases: the statement's common table expression."""
    return RawSQL(f"SELECT {VISIBLE}.case_id FROM {VISIBLE}", ())  # noqa: S608, S611 (a constant name)


def _visible_sql(user) -> tuple[str, tuple]:
    qs = Case.objects.visible_to(user).filter(status=Case.Status.OPEN).values("pk")
    try:
        return qs.query.sql_with_params()
    except EmptyResultSet:  # no case at all for this user by rule
        return 'SELECT NULL::uuid AS "id" WHERE false', ()


def _coordinated_cases(user):
    return CoordinatorAssignment.objects.active().filter(person=user).values("case_id")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _local_day(value: str | None) -> date | None:
    return timezone.localtime(datetime.fromisoformat(value)).date() if value else None


def _first_name(row: dict) -> str:
    return (row.get("preferred_name") or row.get("full_name") or "").split(" ")[0]


def _url(name: str, kwarg: str = "pk") -> Callable[[object], str]:
    """``reverse`` once per group for a URL with one UUID argument, put in per row."""
    mark = "00000000-0000-0000-0000-000000000000"
    pattern = reverse(name, kwargs={kwarg: mark})
    return lambda value: pattern.replace(mark, str(value))


CITIZEN = {"preferred_name": "case__citizen__preferred_name", "full_name": "case__citizen__full_name"}


def tasks(user) -> Group:
    qs = Task.objects.open().filter(responsible=user, case__in=_visible_cases(user))
    case_url = _url("borgerforloeb:case_detail")
    return Group(
        key="tasks",
        heading=_("Opgaver i forløb"),
        link_label=_("Mine opgaver"),
        link_url=reverse("borgerforloeb:my_tasks"),
        queryset=qs.order_by("due_date", "created_at", "pk"),
        columns={"title": "title", "case_id": "case_id", "due": "due_date", **CITIZEN},
        build=lambda r: Row(
            title=r["title"],
            url=case_url(r["case_id"]) + "#tasks-heading",
            due=_day(r["due"]),
            detail=_first_name(r),
        ),
    )


def forum_actions(user) -> Group:
    return Group(
        key="forum_actions",
        heading=_("Opgaver fra fora"),
        link_label=_("Opgaver fra fora"),
        link_url=reverse("samarbejde:my_forum_actions"),
        queryset=ForumAction.objects.open_for(user),
        columns={
            "title": "title",
            "due": "due_date",
            "forum": "meeting__forum__name",
            "forum_id": "meeting__forum_id",
            "slug": "meeting__forum__municipality__slug",
        },
        build=lambda r: Row(
            title=r["title"],
            url=reverse("samarbejde:forum_detail", kwargs={"slug": r["slug"], "pk": r["forum_id"]}),
            due=_day(r["due"]),
            detail=r["forum"],
        ),
    )


ACTIVE_EFFORT = [
    Effort.Status.PROPOSED,
    Effort.Status.REFERRED,
    Effort.Status.ACCEPTED,
    Effort.Status.STARTED,
]


def efforts(user) -> Group:
    qs = Effort.objects.filter(responsible=user, status__in=ACTIVE_EFFORT, case__in=_visible_cases(user))
    efforts_url = _url("borgerforloeb:effort_list")
    return Group(
        key="efforts",
        heading=_("Indsatser jeg er ansvarlig for"),
        queryset=qs.order_by("end_date", "proposed_on", "pk"),
        columns={"title": "title", "status": "status", "case_id": "case_id", "due": "end_date", **CITIZEN},
        build=lambda r: Row(
            title=f"{r['title']} ({Effort.Status(r['status']).label.lower()})",
            url=efforts_url(r["case_id"]),
            due=_day(r["due"]),
            detail=_first_name(r),
        ),
    )


def referrals(user) -> Group:
    orgs = Membership.objects.filter(user=user, organisation__archived_at__isnull=True).values(
        "organisation_id"
    )
    qs = Effort.objects.filter(
        receiving_organisation__in=orgs, status=Effort.Status.REFERRED, referred_at__isnull=False
    )
    answer_url = _url("borgerforloeb:referral_answer", "effort_pk")
    return Group(
        key="referrals",
        heading=_("Henvisninger der venter på svar"),
        link_label=_("Henvisninger"),
        link_url=reverse("borgerforloeb:referral_list"),
        queryset=qs.order_by("referred_at", "pk"),
        # Receiving members may not see the case: the effort's title and organisation only.
        columns={"title": "title", "pk": "pk", "at": "referred_at", "org": "receiving_organisation__name"},
        build=lambda r: Row(
            title=r["title"], url=answer_url(r["pk"]), due=_local_day(r["at"]), detail=r["org"]
        ),
    )


def plan_reviews(user) -> Group:
    horizon = timezone.localdate() + timedelta(days=settings.REMINDER_PLAN_REVIEW_NOTICE_DAYS)
    qs = PlanVersion.objects.filter(
        status=PlanVersion.Status.ACCEPTED,
        next_review__lte=horizon,
        plan__case__in=_visible_cases(user),
    ).filter(plan__case__in=_coordinated_cases(user))
    plan_url = _url("borgerforloeb:plan_detail")
    return Group(
        key="plan_reviews",
        heading=_("Planer der skal revideres"),
        queryset=qs.order_by("next_review", "pk"),
        columns={
            "number": "number",
            "case_id": "plan__case_id",
            "due": "next_review",
            "preferred_name": "plan__case__citizen__preferred_name",
            "full_name": "plan__case__citizen__full_name",
        },
        build=lambda r: Row(
            title=gettext("Handleplan version %(number)s") % {"number": r["number"]},
            url=plan_url(r["case_id"]),
            due=_day(r["due"]),
            detail=_first_name(r),
        ),
    )


def citizen_messages(user) -> Group:
    qs = CitizenMessage.objects.filter(
        read_at__isnull=True, case__in=_visible_cases(user), case_id__in=_coordinated_cases(user)
    )
    case_url = _url("borgerforloeb:case_detail")
    return Group(
        key="citizen_messages",
        heading=_("Ulæste beskeder fra borgere"),
        queryset=qs.order_by("created_at", "pk"),
        columns={"kind": "kind", "case_id": "case_id", "at": "created_at", **CITIZEN},
        build=lambda r: Row(
            title=CitizenMessage.Kind(r["kind"]).label,
            url=case_url(r["case_id"]),
            due=_local_day(r["at"]),
            detail=_first_name(r),
        ),
    )


def transfers(user) -> Group:
    """Cases moving to the user's municipality, waiting for a caseworker's answer (only the
    transfer's summary: the case is not theirs until they accept it)."""
    transfer_url = _url("borgerforloeb:transfer_detail")
    return Group(
        key="transfers",
        heading=_("Overdragelser til din kommune"),
        link_label=_("Overdragelser"),
        link_url=reverse("borgerforloeb:transfer_list"),
        queryset=inbound_transfers_for(user),
        columns={"pk": "pk", "from": "from_municipality__name", "due": "move_date"},
        build=lambda r: Row(
            title=gettext("Forløb fra %(municipality)s") % {"municipality": r["from"]},
            url=transfer_url(r["pk"]),
            due=_day(r["due"]),
        ),
    )


# The groups in the order the page shows them. Append a provider to add a group.
PROVIDERS: list[Callable[[object], Group]] = [
    transfers,
    referrals,
    tasks,
    forum_actions,
    citizen_messages,
    plan_reviews,
    efforts,
]


@dataclass(frozen=True)
class Statement:
    """The page's statement and the groups (without rows) that read its result, in the page's
    order; a group that is empty by rule has no columns in the result (``None``)."""

    sql: str
    params: tuple
    groups: tuple[tuple[Group, int | None], ...]


def _compiled(user, what: str, compile_: Callable[[object], object]):
    key = (
        ("todo", what),
        user_key(user),
        timezone.localdate(),
        settings.REMINDER_PLAN_REVIEW_NOTICE_DAYS,
        get_language(),
    )
    return compiled(key, lambda: compile_(user))


def _with_visible(user, select: str, params: list) -> tuple[str, tuple]:
    visible_sql, visible_params = _visible_sql(user)
    sql = f"WITH {VISIBLE} (case_id) AS MATERIALIZED ({visible_sql}) SELECT {select}"  # noqa: S608 (compiled)
    return sql, (*visible_params, *params)


def _count_part(group: Group) -> tuple[str, tuple]:
    sql, params = group.queryset.order_by().values("pk").query.sql_with_params()
    return f"(SELECT count(*) FROM ({sql}) AS g)", params  # noqa: S608 (Django-compiled SQL)


def _compile_page(user) -> Statement:
    parts, params, groups = [], [], []
    for group in (provider(user) for provider in PROVIDERS):
        row = JSONObject(**{key: F(path) for key, path in group.columns.items()})
        try:
            rows_sql, rows_params = group.queryset.values(row=row)[: ROW_LIMIT + 1].query.sql_with_params()
            count_sql, count_params = _count_part(group)
        except EmptyResultSet:  # a group that is empty for this user by rule (``.none()``)
            groups.append((replace(group, queryset=None), None))
            continue
        groups.append((replace(group, queryset=None), len(parts)))
        parts += [f"array_to_json(ARRAY({rows_sql}))::text", count_sql]  # noqa: S608 (compiled)
        params += [*rows_params, *count_params]
    sql, all_params = _with_visible(user, ", ".join(parts) or "NULL", params)
    return Statement(sql, all_params, tuple(groups))


def groups_for(user) -> list[Group]:
    """Every group with its rows and count: one statement, whatever the data size."""
    statement = _compiled(user, "page", _compile_page)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.params)
        result = cursor.fetchone()
    groups = []
    for template, at in statement.groups:
        items, count = (json.loads(result[at]), result[at + 1]) if at is not None else ([], 0)
        groups.append(
            replace(template, rows=[template.build(item) for item in items[:ROW_LIMIT]], count=count)
        )
    return groups


def _compile_count(user) -> tuple[str, tuple]:
    parts, params = [], []
    for provider in PROVIDERS:
        try:
            sql, part_params = _count_part(provider(user))
        except EmptyResultSet:
            continue
        parts.append(sql)
        params.extend(part_params)
    return _with_visible(user, " + ".join(parts) or "0", params)


def count_sql(user) -> tuple[str, tuple]:
    """The nav's count as one statement (the sum of the groups' counts), for the context
    processor to run as a subquery of the query that counts unread notifications."""
    return _compiled(user, "count", _compile_count)


def total(user) -> int:
    sql, params = count_sql(user)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({sql})", params)  # noqa: S608 (Django-compiled SQL)
        return cursor.fetchone()[0]
