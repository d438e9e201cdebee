"""Computing the summary tables (``MonthlyFigures``) from the case and framework data.

Set-based SQL, one query per kind of figure for all the months at once, grouped by municipality
and target group (and the receiving organisation's kind for referrals) with the whole country as
its own grouping set, so national medians are true medians. Only counts and medians leave these
queries: no CPR number, name or free text is read.

``compute_reports`` is incremental: it recomputes the months from the earliest month touched by a
change since the last run up to the current month (what a case is like at the end of a month
carries on into the later months), and is idempotent: a month's rows are replaced as a whole, in
one transaction, so running it twice gives the same rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from borgerforloeb.models import (
    AttentionPoint,
    Case,
    CaseTransfer,
    Citizen,
    CoordinatorAssignment,
    Effort,
    Meeting,
    Plan,
    PlanAcceptance,
    PlanVersion,
    TimelineEvent,
)
from rapporter.models import MonthlyFigures, ReportRun
from samarbejde.models import Channel, FrameworkDocument, Organisation
from tilbud.models import Offer

INACTIVE_DAYS = 90
OFFER_VERIFIED_DAYS = 180

T = {
    "case": Case._meta.db_table,
    "citizen": Citizen._meta.db_table,
    "coordinator": CoordinatorAssignment._meta.db_table,
    "plan": Plan._meta.db_table,
    "version": PlanVersion._meta.db_table,
    "acceptance": PlanAcceptance._meta.db_table,
    "attention": AttentionPoint._meta.db_table,
    "timeline": TimelineEvent._meta.db_table,
    "meeting": Meeting._meta.db_table,
    "effort": Effort._meta.db_table,
    "organisation": Organisation._meta.db_table,
    "transfer": CaseTransfer._meta.db_table,
}

# The months as rows: first day, first day of the next month, and the instant the month ends.
_MONTHS = """
months AS (
    SELECT m::date AS month, (m + interval '1 month')::date AS next_month,
           ((m + interval '1 month')::timestamp AT TIME ZONE %(tz)s) AS month_end
    FROM unnest(%(months)s::date[]) AS m
)"""

# A case ends on its end date, or (closed without one) on the day it was last changed.
_CASE_ENDED_ON = "COALESCE(c.end_date, CASE WHEN c.status = 'closed' THEN c.updated_at::date END)"

# Target group dimension: every case once under "" (all) and once under each of its groups.
_TARGET_GROUPS = "CROSS JOIN LATERAL unnest(ARRAY['']::varchar[] || cz.target_groups) AS tg(target_group)"
# The case's citizen, under each of the citizen's target groups.
_CITIZEN_GROUPS = f"JOIN {T['citizen']} cz ON cz.id = c.citizen_id {_TARGET_GROUPS}"


def _in_month(column: str) -> str:
    """``column`` (a timestamp) falls in the month ``mo``."""
    return f"{column} >= (mo.month::timestamp AT TIME ZONE %(tz)s) AND {column} < mo.month_end"


def _monthly(municipality: str, figures: str, joins: str, *dimensions: str, also_with: str = "") -> str:
    """A query of ``figures`` (SQL columns) from ``joins`` (joined to the months ``mo``, ``also_with``
    adding to its WITH) for each municipality (``municipality``: the column naming it), month and
    target group (and ``dimensions``), and the same for the whole country."""
    common = ", ".join(["mo.month", "tg.target_group", *dimensions])
    with_ = f"{_MONTHS},\n{also_with}" if also_with else _MONTHS
    return f"""
WITH {with_}
SELECT {municipality}, {common},
    {figures}
FROM months mo
{joins}
GROUP BY GROUPING SETS (({municipality}, {common}), ({common}))
"""


OPEN_CASES_SQL = f"""
WITH {_MONTHS},
open_cases AS (
    SELECT mo.month, mo.month_end, mo.next_month, c.id, c.municipality_id, c.citizen_id
    FROM months mo
    JOIN {T["case"]} c ON c.start_date < mo.next_month
        AND ({_CASE_ENDED_ON} IS NULL OR {_CASE_ENDED_ON} >= mo.next_month)
),
flags AS (
    SELECT oc.*,
        EXISTS (SELECT 1 FROM {T["coordinator"]} ca WHERE ca.case_id = oc.id
                AND ca.started_at < oc.month_end AND (ca.ended_at IS NULL OR ca.ended_at >= oc.month_end))
            AS with_coordinator,
        EXISTS (SELECT 1 FROM {T["acceptance"]} pa JOIN {T["version"]} pv ON pv.id = pa.version_id
                JOIN {T["plan"]} p ON p.id = pv.plan_id
                WHERE p.case_id = oc.id AND pa.accepted_at < oc.month_end) AS plan_accepted,
        (EXISTS (SELECT 1 FROM {T["attention"]} ap WHERE ap.case_id = oc.id)
         AND NOT EXISTS (SELECT 1 FROM {T["attention"]} ap WHERE ap.case_id = oc.id
                AND (ap.status = 'not_assessed' OR ap.updated_at >= oc.month_end))) AS attention_assessed,
        COALESCE((SELECT pv.next_review FROM {T["version"]} pv JOIN {T["plan"]} p ON p.id = pv.plan_id
                  WHERE p.case_id = oc.id AND pv.accepted_at < oc.month_end
                  ORDER BY pv.accepted_at DESC LIMIT 1) < oc.next_month, false) AS review_overdue,
        NOT EXISTS (SELECT 1 FROM {T["timeline"]} te WHERE te.case_id = oc.id
                AND te.at < oc.month_end AND te.at >= oc.month_end - interval '{INACTIVE_DAYS} days')
            AS inactive
    FROM open_cases oc
)
SELECT f.municipality_id, f.month, tg.target_group,
    count(*), count(*) FILTER (WHERE f.with_coordinator), count(*) FILTER (WHERE f.plan_accepted),
    count(*) FILTER (WHERE f.attention_assessed), count(*) FILTER (WHERE f.review_overdue),
    count(*) FILTER (WHERE f.inactive)
FROM flags f JOIN {T["citizen"]} cz ON cz.id = f.citizen_id {_TARGET_GROUPS}
GROUP BY GROUPING SETS ((f.municipality_id, f.month, tg.target_group), (f.month, tg.target_group))
"""
OPEN_CASES_FIELDS = [
    "open_cases",
    "with_coordinator",
    "plan_accepted",
    "attention_assessed",
    "review_overdue",
    "inactive_90_days",
]

# Cases that got their first coordinator in the month: days from the case's start.
FIRST_COORDINATOR_SQL = _monthly(
    "c.municipality_id",
    """count(*),
    percentile_cont(0.5) WITHIN GROUP (
        ORDER BY GREATEST((f.first_at AT TIME ZONE %(tz)s)::date - c.start_date, 0))""",
    f"""JOIN firsts f ON {_in_month("f.first_at")}
JOIN {T["case"]} c ON c.id = f.case_id
{_CITIZEN_GROUPS}""",
    also_with=f"""firsts AS (
    SELECT ca.case_id, min(ca.started_at) AS first_at FROM {T["coordinator"]} ca GROUP BY ca.case_id
)""",
)
FIRST_COORDINATOR_FIELDS = ["first_coordinator_cases", "first_coordinator_days_median"]

# Plan acceptances in the month by how the citizen took part.
ACCEPTANCES_SQL = _monthly(
    "c.municipality_id",
    """count(*) FILTER (WHERE pa.citizen_participation = 'present'),
    count(*) FILTER (WHERE pa.citizen_participation = 'phone'),
    count(*) FILTER (WHERE pa.citizen_participation = 'interpreter')""",
    f"""JOIN {T["acceptance"]} pa ON {_in_month("pa.accepted_at")}
JOIN {T["version"]} pv ON pv.id = pa.version_id
JOIN {T["plan"]} p ON p.id = pv.plan_id
JOIN {T["case"]} c ON c.id = p.case_id
{_CITIZEN_GROUPS}""",
)
ACCEPTANCES_FIELDS = ["accepted_present", "accepted_phone", "accepted_interpreter"]

# Meetings in the month that needed an interpreter, and those with one booked.
INTERPRETERS_SQL = _monthly(
    "c.municipality_id",
    "count(*), count(*) FILTER (WHERE m.interpreter_booked)",
    f"""JOIN {T["meeting"]} m ON m.interpreter_needed AND {_in_month("m.starts_at")}
JOIN {T["case"]} c ON c.id = m.case_id
{_CITIZEN_GROUPS}""",
)
INTERPRETERS_FIELDS = ["interpreter_needed", "interpreter_booked"]

# Referrals sent in the month (by the referring case's municipality) and where they stand now;
# per receiving organisation kind ("" = all, and referrals without a receiver count only there).
_KINDS = (
    "CROSS JOIN LATERAL unnest(ARRAY['']::varchar[] || (CASE WHEN o.kind IS NULL "
    "THEN ARRAY[]::varchar[] ELSE ARRAY[o.kind]::varchar[] END)) AS k(kind)"
)
# The referral's receiving organisation (its kind), case and citizen.
_REFERRAL_JOINS = f"""LEFT JOIN {T["organisation"]} o ON o.id = e.receiving_organisation_id
JOIN {T["case"]} c ON c.id = e.case_id
{_CITIZEN_GROUPS} {_KINDS}"""
# Declined referrals by the kind of reason chosen (a choice, never the reason's text).
DECLINE_KINDS = list(Effort.DeclineKind.values)
_DECLINE_KIND_COUNTS = ", ".join(
    f"count(*) FILTER (WHERE e.status = 'declined' AND e.decline_reason_kind = '{kind}')"
    for kind in DECLINE_KINDS
)
REFERRALS_SQL = _monthly(
    "c.municipality_id",
    f"""count(*), count(*) FILTER (WHERE e.status IN ('accepted', 'started', 'ended')),
    count(*) FILTER (WHERE e.status = 'declined'),
    count(*) FILTER (WHERE e.status NOT IN ('accepted', 'started', 'ended', 'declined')),
    {_DECLINE_KIND_COUNTS}""",
    f"""JOIN {T["effort"]} e ON {_in_month("e.referred_at")}
{_REFERRAL_JOINS}""",
    "k.kind",
)
REFERRALS_FIELDS = [
    "referrals_sent",
    "referrals_accepted",
    "referrals_declined",
    "referrals_unanswered",
    *[f"declined_{kind}" for kind in DECLINE_KINDS],
]

# Referrals answered in the month: days from referral to answer.
ANSWERS_SQL = _monthly(
    "c.municipality_id",
    """count(*),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY GREATEST(
        (e.answered_at AT TIME ZONE %(tz)s)::date - (e.referred_at AT TIME ZONE %(tz)s)::date, 0))""",
    f"""JOIN {T["effort"]} e ON e.referred_at IS NOT NULL AND {_in_month("e.answered_at")}
{_REFERRAL_JOINS}""",
    "k.kind",
)
ANSWERS_FIELDS = ["answers", "answer_days_median"]

# Transfers accepted or declined in the month, with their case's citizen.
_TRANSFERS_ANSWERED = f"""JOIN {T["transfer"]} t ON t.status IN ('accepted', 'declined')
    AND {_in_month("COALESCE(t.accepted_at, t.declined_at)")}
JOIN {T["case"]} c ON c.id = t.case_id
{_CITIZEN_GROUPS}"""

# Transfers answered in the month, by the receiving municipality: accepted (with the days from
# start to acceptance) and declined.
TRANSFERS_IN_SQL = _monthly(
    "t.to_municipality_id",
    f"""count(*) FILTER (WHERE t.status = 'accepted' AND {_in_month("t.accepted_at")}),
    count(*) FILTER (WHERE t.status = 'declined' AND {_in_month("t.declined_at")}),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY GREATEST(
        (t.accepted_at AT TIME ZONE %(tz)s)::date - (t.started_at AT TIME ZONE %(tz)s)::date, 0))
        FILTER (WHERE t.status = 'accepted' AND {_in_month("t.accepted_at")})""",
    _TRANSFERS_ANSWERED,
)
TRANSFERS_IN_FIELDS = ["transfers_in", "transfers_in_declined", "transfer_days_median"]

# The same transfers by the sending municipality.
TRANSFERS_OUT_SQL = _monthly(
    "t.from_municipality_id",
    "count(*) FILTER (WHERE t.status = 'accepted'), count(*) FILTER (WHERE t.status = 'declined')",
    _TRANSFERS_ANSWERED,
)
TRANSFERS_OUT_FIELDS = ["transfers_out", "transfers_out_declined"]

CASE_QUERIES = [
    (OPEN_CASES_SQL, OPEN_CASES_FIELDS),
    (FIRST_COORDINATOR_SQL, FIRST_COORDINATOR_FIELDS),
    (ACCEPTANCES_SQL, ACCEPTANCES_FIELDS),
    (INTERPRETERS_SQL, INTERPRETERS_FIELDS),
    (TRANSFERS_IN_SQL, TRANSFERS_IN_FIELDS),
    (TRANSFERS_OUT_SQL, TRANSFERS_OUT_FIELDS),
]
REFERRAL_QUERIES = [(REFERRALS_SQL, REFERRALS_FIELDS), (ANSWERS_SQL, ANSWERS_FIELDS)]
FRAMEWORK_FIELDS = [
    "offers_in_use",
    "offers_verified",
    "channels",
    "channels_review_overdue",
    "framework_documents",
    "framework_documents_review_overdue",
]


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _local_date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def first_month_of_data() -> datetime.date | None:
    first = Case.objects.aggregate(first=Min("start_date"))["first"]
    return month_start(first) if first else None


def earliest_change_since(since: datetime.datetime) -> datetime.date | None:
    """The earliest day a change made after ``since`` is about (a case's start or end, a
    referral's, an acceptance's or a meeting's date, the day of a timeline event or of a transfer's
    answer), or None."""
    changed_cases = Case.objects.filter(
        Q(updated_at__gt=since) | Q(citizen__updated_at__gt=since) | Q(timeline__at__gt=since)
    )
    dates = [
        changed_cases.aggregate(d=Min("start_date"))["d"],
        TimelineEvent.objects.filter(at__gt=since).aggregate(d=Min("at"))["d"],
        Effort.objects.filter(updated_at__gt=since).aggregate(d=Min("referred_at"))["d"],
        PlanVersion.objects.filter(updated_at__gt=since).aggregate(d=Min("accepted_at"))["d"],
        PlanAcceptance.objects.filter(accepted_at__gt=since).aggregate(d=Min("version__accepted_at"))["d"],
        Meeting.objects.filter(Q(created_at__gt=since) | Q(case__timeline__at__gt=since)).aggregate(
            d=Min("starts_at")
        )["d"],
        AttentionPoint.objects.filter(updated_at__gt=since).aggregate(d=Min("updated_at"))["d"],
        CaseTransfer.objects.filter(accepted_at__gt=since).aggregate(d=Min("accepted_at"))["d"],
        CaseTransfer.objects.filter(declined_at__gt=since).aggregate(d=Min("declined_at"))["d"],
    ]
    dates = [_local_date(d) for d in dates if d is not None]
    return min(dates) if dates else None


def _run(sql: str, months: list[datetime.date], fields: list[str], rows: dict, *, with_kind: bool):
    with connection.cursor() as cursor:
        cursor.execute(sql, {"months": months, "tz": settings.TIME_ZONE})
        for record in cursor.fetchall():
            if with_kind:
                municipality_id, month, target_group, kind, *values = record
            else:
                municipality_id, month, target_group, *values = record
                kind = ""
            rows[(municipality_id, month, target_group, kind)].update(zip(fields, values, strict=True))


def _framework_figures(today: datetime.date) -> dict:
    """Per municipality (None: the country), in the order of ``FRAMEWORK_FIELDS``: offers in use
    and those confirmed within 180 days; channels and framework documents, and those whose review
    date has passed."""
    cutoff = today - datetime.timedelta(days=OFFER_VERIFIED_DAYS)
    in_use = Offer.objects.exclude(status=Offer.Status.DEFUNCT)
    verified = Q(assured_date__gt=cutoff)
    figures: dict = defaultdict(lambda: [0] * len(FRAMEWORK_FIELDS))
    for row in (
        in_use.filter(municipalities__isnull=False)
        .values("municipalities")
        .annotate(n=Count("id", distinct=True), verified=Count("id", filter=verified, distinct=True))
    ):
        figures[row["municipalities"]][0:2] = [row["n"], row["verified"]]
    national = in_use.aggregate(n=Count("id"), verified=Count("id", filter=verified))
    figures[None][0:2] = [national["n"], national["verified"]]
    for start, model, overdue in [
        (2, Channel, Q(review_due__lt=today)),
        (4, FrameworkDocument, Q(review_date__lt=today)),
    ]:
        rows = (
            model.objects.order_by()
            .values("municipality")
            .annotate(n=Count("id"), overdue=Count("id", filter=overdue))
        )
        for row in rows:
            figures[row["municipality"]][start : start + 2] = [row["n"], row["overdue"]]
            figures[None][start] += row["n"]
            figures[None][start + 1] += row["overdue"]
    return figures


def figures_for(months: list[datetime.date], *, today: datetime.date) -> dict:
    """The rows of ``months`` as {(municipality_id, month, target group, kind): {field: value}}."""
    rows: dict = defaultdict(dict)
    for sql, fields in CASE_QUERIES:
        _run(sql, months, fields, rows, with_kind=False)
    for sql, fields in REFERRAL_QUERIES:
        _run(sql, months, fields, rows, with_kind=True)
    current = month_start(today)
    if current in months:
        for municipality_id, values in _framework_figures(today).items():
            rows[(municipality_id, current, "", "")].update(zip(FRAMEWORK_FIELDS, values, strict=True))
    return rows


@transaction.atomic
def replace_months(months: list[datetime.date], *, today: datetime.date, now: datetime.datetime) -> int:
    """Replace the rows of ``months`` by freshly computed ones; returns the number of rows.

    The framework figures of a past month are what was measured then: they are carried over."""
    rows = figures_for(months, today=today)
    kept = MonthlyFigures.objects.filter(month__in=months, target_group="", organisation_kind="").exclude(
        month=month_start(today)
    )
    for municipality_id, month, *values in kept.values_list("municipality_id", "month", *FRAMEWORK_FIELDS):
        if any(values):
            rows[(municipality_id, month, "", "")].update(zip(FRAMEWORK_FIELDS, values, strict=True))
    MonthlyFigures.objects.filter(month__in=months).delete()
    MonthlyFigures.objects.bulk_create(
        [
            MonthlyFigures(
                municipality_id=municipality_id,
                month=month,
                target_group=target_group,
                organisation_kind=kind,
                computed_at=now,
                **values,
            )
            for (municipality_id, month, target_group, kind), values in sorted(
                rows.items(), key=lambda item: (item[0][0] or 0, item[0][1], item[0][2], item[0][3])
            )
        ],
        batch_size=2000,
    )
    return len(rows)


def compute_reports(*, full: bool = False, now: datetime.datetime | None = None) -> ReportRun:
    """Recompute the months touched since the last run (all months with ``full`` or on the first
    run), always including the current month. Safe to run twice and concurrently (a lock)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        # One computation at a time; a second waits and then finds little left to do.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('rapporter.compute_reports'))")
        last = ReportRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
        current = month_start(today)
        first = first_month_of_data() or current
        if not full and last is not None:
            changed = earliest_change_since(last.started_at)
            first = max(first, month_start(changed)) if changed else current
        first = min(first, current)
        months = months_between(first, current)
        run = ReportRun.objects.create(started_at=now, first_month=first, months=len(months))
        replace_months(months, today=today, now=now)
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
        # The next run starts from this one; older runs are of no further use.
        ReportRun.objects.exclude(pk=run.pk).delete()
    return run
