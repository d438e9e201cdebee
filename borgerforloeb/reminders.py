"""Reminder scans for citizen cases: set-based queries that hand ``core.notifications`` the
reminders that are due *now* (not only "today"), so a scan after downtime catches up, once.

Each scan returns how many notification rows it created. The big table (tasks) is filtered with
``NOT EXISTS`` against the notification log in SQL, so a repeated scan reads only new rows.
Texts carry the citizen's first name only (never a surname or CPR number).
"""

from __future__ import annotations

import heapq
import uuid
from datetime import datetime, time, timedelta
from operator import attrgetter

from django.conf import settings
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, StrIndex, Substr, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb.models import (
    Case,
    CitizenMessage,
    Consent,
    CoordinatorAssignment,
    Effort,
    Meeting,
    PlanVersion,
    Task,
    TimelineEvent,
    case_visible,
)
from core.models import Notification, NotificationKind
from core.notifications import Candidate, notify
from core.workdays import working_days_before
from samarbejde.models import Membership

K = NotificationKind
ITER_CHUNK = 5000
_DUMMY = uuid.UUID(int=0)


def case_url_maker():
    try:
        template = reverse("borgerforloeb:case_detail", kwargs={"pk": _DUMMY})
    except NoReverseMatch:
        template = f"/forloeb/{_DUMMY}/"
    return lambda case_id, anchor="": template.replace(str(_DUMMY), str(case_id)) + anchor


def _first_word(name, space):
    from django.db.models import Case as SqlCase
    from django.db.models import When

    return SqlCase(
        When(Q(_space__gt=0), then=Substr(name, 1, F("_space") - 1)),
        default=name,
        output_field=CharField(),
    )


def with_citizen_first_name(qs, prefix: str):
    name = Coalesce(NullIf(F(f"{prefix}preferred_name"), Value("")), F(f"{prefix}full_name"))
    return qs.annotate(_cname=name, _space=StrIndex(name, Value(" "))).annotate(
        citizen_first_name=_first_word(F("_cname"), F("_space"))
    )


def with_coordinator(qs, case_path: str = ""):
    """Annotate ``coordinator_id``: the case's active coordinator, as a LEFT JOIN on the partial
    unique index (one active assignment per case), not a subquery repeated per row."""
    rel = f"{case_path}coordinator_assignments"
    active = FilteredRelation(rel, condition=Q(**{f"{rel}__ended_at__isnull": True}))
    return qs.annotate(_coordinator=active).annotate(coordinator_id=F("_coordinator__person_id"))


def with_case_people(qs, case_path: str = ""):
    """Annotate ``coordinator_id`` and ``citizen_first_name`` of the case at ``case_path``."""
    return with_citizen_first_name(with_coordinator(qs, case_path), f"{case_path}citizen__")


def coordinated(qs, case_path: str = ""):
    """Rows of ``with_case_people`` whose case has a coordinator who may see it."""
    return qs.filter(coordinator_id__isnull=False).filter(case_visible("coordinator_id", case_path))


def to_coordinator(coordinator_id, **fields) -> Candidate:
    """A reminder to the case's coordinator (recipient and the coordinator on the row both)."""
    return Candidate(recipient_id=coordinator_id, coordinator_id=coordinator_id, **fields)


def already(kind: str, key_prefix: str, id_ref: str, recipient_ref: str, due_ref: str):
    """``EXISTS`` a notification of ``kind`` for "<prefix><id>" to this recipient and due date."""
    return Exists(
        Notification.objects.filter(
            kind=kind,
            event_key=Concat(
                Value(key_prefix), Cast(OuterRef(id_ref), CharField()), output_field=CharField()
            ),
            recipient_id=OuterRef(recipient_ref),
            due_date=OuterRef(due_ref),
        )
    )


def open_tasks():
    return Task.objects.filter(
        status=Task.Status.OPEN, case__status=Case.Status.OPEN, due_date__isnull=False
    ).order_by()


def scan_tasks(*, today=None) -> int:
    """Due soon (to the one responsible person) and overdue (responsible + coordinator copied)."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.REMINDER_DUE_SOON_DAYS)
    url = case_url_maker()
    fields = ["id", "title", "due_date", "responsible_id", "case_id", "coordinator_id", "citizen_first_name"]

    soon = (
        with_case_people(open_tasks().filter(due_date__gte=today, due_date__lte=horizon), "case__")
        .filter(~already(K.TASK_DUE_SOON, "task:", "id", "responsible_id", "due_date"))
        .filter(case_visible("responsible_id", "case__"))
        .order_by("responsible_id")
        .values_list(*fields)
    )
    overdue = (
        with_case_people(open_tasks().filter(due_date__lt=today), "case__")
        .filter(~already(K.TASK_OVERDUE, "task:", "id", "responsible_id", "due_date"))
        .filter(case_visible("responsible_id", "case__"))
        .order_by("responsible_id")
        .values_list(*fields)
    )
    overdue_copy = (
        with_case_people(open_tasks().filter(due_date__lt=today), "case__")
        .filter(coordinator_id__isnull=False)
        .exclude(coordinator_id=F("responsible_id"))
        .filter(~already(K.TASK_OVERDUE, "task:", "id", "coordinator_id", "due_date"))
        .filter(case_visible("coordinator_id", "case__"))
        .annotate(responsible_name=F("responsible__full_name"))
        .order_by("coordinator_id")
        .values_list(*fields, "responsible_name")
    )

    def responsible(kind, qs):
        for pk, title, due, responsible_id, case_id, coordinator_id, citizen in qs.iterator(ITER_CHUNK):
            yield Candidate(
                recipient_id=responsible_id,
                kind=kind,
                event_key=f"task:{pk}",
                due_date=due,
                url=url(case_id, "#opgaver"),
                context={"title": title, "due": due, "citizen": citizen},
                coordinator_id=coordinator_id,
            )

    def copies():
        for pk, title, due, _resp, case_id, coordinator_id, citizen, resp_name in overdue_copy.iterator(
            ITER_CHUNK
        ):
            yield to_coordinator(
                coordinator_id,
                kind=K.TASK_OVERDUE,
                event_key=f"task:{pk}",
                due_date=due,
                url=url(case_id, "#opgaver"),
                context={
                    "title": title,
                    "due": due,
                    "citizen": citizen,
                    "copy": True,
                    "name": (resp_name or "").split(" ")[0],
                },
            )

    def candidates():
        # The three streams are each ordered by recipient; merged, each person's reminders come
        # together (the digest and the e-mail queue then see one person at a time).
        return heapq.merge(
            responsible(K.TASK_DUE_SOON, soon),
            responsible(K.TASK_OVERDUE, overdue),
            copies(),
            key=attrgetter("recipient_id"),
        )

    return len(notify(candidates()))


def interpreter_status(needed: bool, booked: bool, language: str) -> str:
    if not needed:
        return _("ikke nødvendig")
    lang = f" ({language})" if language else ""
    if booked:
        return _("bestilt") + lang
    return _("IKKE bestilt") + lang


def scan_meetings(*, now=None) -> int:
    """Meetings starting from now until the end of tomorrow: each participant, once."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    until = timezone.make_aware(datetime.combine(tomorrow + timedelta(days=1), time.min), tz)
    url = case_url_maker()
    Through = Meeting.participants.through
    qs = (
        with_case_people(
            Through.objects.filter(
                meeting__starts_at__gt=now,
                meeting__starts_at__lt=until,
                meeting__case__status=Case.Status.OPEN,
            ),
            "meeting__case__",
        )
        .annotate(day=TruncDate("meeting__starts_at", tzinfo=tz))
        .filter(~already(K.MEETING_TOMORROW, "meeting:", "meeting_id", "user_id", "day"))
        .filter(case_visible("user_id", "meeting__case__"))
        .order_by("user_id")
        .values_list(
            "user_id",
            "meeting_id",
            "meeting__title",
            "meeting__starts_at",
            "meeting__interpreter_needed",
            "meeting__interpreter_booked",
            "meeting__interpreter_language",
            "meeting__case_id",
            "coordinator_id",
            "citizen_first_name",
            "day",
        )
    )

    def candidates():
        for user_id, pk, title, starts, needed, booked, lang, case_id, coord, citizen, day in qs.iterator(
            ITER_CHUNK
        ):
            yield Candidate(
                recipient_id=user_id,
                kind=K.MEETING_TOMORROW,
                event_key=f"meeting:{pk}",
                due_date=day,
                url=url(case_id, "#moeder"),
                context={
                    "title": title or _("Møde"),
                    "due": day,
                    "when": timezone.localtime(starts, tz).strftime("%H:%M"),
                    "citizen": citizen,
                    "interpreter": interpreter_status(needed, booked, lang),
                },
                coordinator_id=coord,
            )

    return len(notify(candidates()))


def scan_handovers(*, now=None, case_id=None) -> int:
    """New coordinator assignments of the last days: the new coordinator (assigned or handover)
    and the previous one (handover). Also run for one case by ``tasks.notify_coordinator_change``,
    which a coordinator change enqueues."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.REMINDER_HANDOVER_LOOKBACK_DAYS)
    tz = timezone.get_current_timezone()
    url = case_url_maker()
    previous = CoordinatorAssignment.objects.filter(
        case_id=OuterRef("case_id"), ended_at__isnull=False, ended_at__lte=OuterRef("started_at")
    ).exclude(pk=OuterRef("pk"))
    qs = CoordinatorAssignment.objects.filter(started_at__gte=since, case__status=Case.Status.OPEN).order_by()
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    qs = (
        with_citizen_first_name(qs, "case__citizen__")
        .annotate(
            day=TruncDate("started_at", tzinfo=tz),
            previous_person_id=Subquery(previous.order_by("-ended_at").values("person_id")[:1]),
            previous_name=Subquery(previous.order_by("-ended_at").values("person__full_name")[:1]),
            person_sees=ExpressionWrapper(case_visible("person_id", "case__"), output_field=BooleanField()),
        )
        .values_list(
            "id",
            "case_id",
            "person_id",
            "person__full_name",
            "previous_person_id",
            "previous_name",
            "citizen_first_name",
            "day",
            "person_sees",
        )
    )

    def candidates():
        for pk, case, person_id, person_name, prev_id, prev_name, citizen, day, sees in qs.iterator(
            ITER_CHUNK
        ):
            key = f"coordinator:{pk}"
            handover = prev_id is not None and prev_id != person_id
            if sees:  # the incoming coordinator may see the case (a consent may still be missing)
                yield Candidate(
                    recipient_id=person_id,
                    kind=K.HANDOVER if handover else K.COORDINATOR_ASSIGNED,
                    event_key=key,
                    due_date=day,
                    url=url(case),
                    context={"citizen": citizen, "due": day}
                    | ({"incoming": True, "name": (prev_name or "").split(" ")[0]} if handover else {}),
                )
            if handover:
                outgoing.append(
                    Candidate(
                        recipient_id=prev_id,
                        kind=K.HANDOVER,
                        event_key=key,
                        due_date=day,
                        url="",
                        context={"citizen": citizen, "due": day, "name": (person_name or "").split(" ")[0]},
                    )
                )

    # The outgoing coordinator is told even though they may no longer see the case (that is
    # what the notice is about): first name only and no link into the case.
    outgoing: list[Candidate] = []
    created = notify(candidates())
    return len(created) + len(notify(outgoing))


def scan_plan_reviews(*, today=None) -> int:
    """Accepted plans whose next review is within the notice period (or past): the coordinator."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.REMINDER_PLAN_REVIEW_NOTICE_DAYS)
    url = case_url_maker()
    qs = coordinated(
        with_case_people(
            PlanVersion.objects.filter(
                status=PlanVersion.Status.ACCEPTED,
                next_review__lte=horizon,
                plan__case__status=Case.Status.OPEN,
            ).order_by(),
            "plan__case__",
        ).filter(~already(K.PLAN_REVIEW_DUE, "plan:", "id", "coordinator_id", "next_review")),
        "plan__case__",
    ).values_list("id", "next_review", "plan__case_id", "coordinator_id", "citizen_first_name")

    def candidates():
        for pk, due, case_id, coordinator_id, citizen in qs.iterator(ITER_CHUNK):
            yield to_coordinator(
                coordinator_id,
                kind=K.PLAN_REVIEW_DUE,
                event_key=f"plan:{pk}",
                due_date=due,
                url=url(case_id, "#plan"),
                context={"citizen": citizen, "due": due},
            )

    return len(notify(candidates()))


def scan_inactive_cases(*, now=None) -> int:
    """Open cases with no timeline event for N days: the coordinator, once per quiet spell."""
    now = now or timezone.now()
    days = settings.REMINDER_CASE_INACTIVE_DAYS
    tz = timezone.get_current_timezone()
    url = case_url_maker()
    latest = TimelineEvent.objects.filter(case_id=OuterRef("pk")).order_by("-at").values("at")[:1]
    qs = coordinated(
        with_case_people(Case.objects.filter(status=Case.Status.OPEN).order_by())
        .annotate(last_activity=Coalesce(Subquery(latest), F("created_at")))
        .filter(last_activity__lt=now - timedelta(days=days))
    ).values_list("id", "last_activity", "coordinator_id", "citizen_first_name")

    def candidates():
        for pk, last, coordinator_id, citizen in qs.iterator(ITER_CHUNK):
            since = timezone.localtime(last, tz).date()
            yield to_coordinator(
                coordinator_id,
                kind=K.CASE_INACTIVE,
                event_key=f"case:{pk}",
                due_date=since + timedelta(days=days),
                url=url(pk),
                context={"citizen": citizen, "since": since},
            )

    return len(notify(candidates()))


def scan_consents(*, today=None) -> int:
    """Consents expiring within 14 days (not withdrawn): the coordinator of each open case they
    cover (a consent without a case covers all the citizen's cases)."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.REMINDER_CONSENT_EXPIRY_DAYS)
    url = case_url_maker()
    soon = Consent.objects.filter(withdrawn_at__isnull=True, valid_until__gte=today, valid_until__lte=horizon)
    expiring = soon.filter(citizen_id=OuterRef("citizen_id")).filter(
        Q(case__isnull=True) | Q(case_id=OuterRef("pk"))
    )
    qs = coordinated(
        with_case_people(
            # Start from the few citizens with an expiring consent, not from every open case.
            Case.objects.filter(status=Case.Status.OPEN, citizen_id__in=soon.values("citizen_id")).order_by()
        ).filter(Exists(expiring))
    ).values_list("id", "citizen_id", "coordinator_id", "citizen_first_name")

    def candidates():
        rows = list(qs)
        consents = {}
        for consent_id, citizen_id, case_id, valid_until in soon.filter(
            citizen_id__in={r[1] for r in rows}
        ).values_list("id", "citizen_id", "case_id", "valid_until"):
            consents.setdefault(citizen_id, []).append((consent_id, case_id, valid_until))
        for case_id, citizen_id, coordinator_id, citizen in rows:
            for consent_id, consent_case, valid_until in consents.get(citizen_id, []):
                if consent_case is not None and consent_case != case_id:
                    continue
                yield to_coordinator(
                    coordinator_id,
                    kind=K.CONSENT_EXPIRING,
                    event_key=f"consent:{consent_id}",
                    due_date=valid_until,
                    url=url(case_id, "#samtykke"),
                    context={"citizen": citizen, "due": valid_until},
                )

    return len(notify(candidates()))


def _referral_url(effort_id) -> str:
    return reverse("borgerforloeb:referral_answer", kwargs={"effort_pk": effort_id})


def scan_referrals(*, effort_id=None) -> int:
    """Referrals waiting for an answer: every active member of the receiving organisation (who
    may answer them on the inbound referrals page), once per referral. No citizen name: the
    receiving members may not see the case."""
    tz = timezone.get_current_timezone()
    qs = Membership.objects.filter(
        user__is_active=True,
        organisation__archived_at__isnull=True,
        organisation__received_efforts__status=Effort.Status.REFERRED,
        organisation__received_efforts__referred_at__isnull=False,
    )
    if effort_id is not None:
        qs = qs.filter(organisation__received_efforts__id=effort_id)
    qs = (
        qs.annotate(day=TruncDate("organisation__received_efforts__referred_at", tzinfo=tz))
        .order_by("user_id")
        .values_list(
            "user_id",
            "organisation__received_efforts__id",
            "organisation__received_efforts__title",
            "organisation__name",
            "day",
        )
    )

    def candidates():
        for user_id, pk, title, organisation, day in qs.iterator(ITER_CHUNK):
            yield Candidate(
                recipient_id=user_id,
                kind=K.REFERRAL_NEW,
                event_key=f"referral:{pk}",
                due_date=day,
                url=_referral_url(pk),
                context={"title": title, "organisation": organisation},
            )

    return len(notify(candidates()))


def scan_referral_answers(*, now=None, effort_id=None) -> int:
    """Referrals answered in the last days: the effort's responsible person and the case's
    coordinator (each once), with the reason when declined."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    since = now - timedelta(days=settings.REMINDER_HANDOVER_LOOKBACK_DAYS)
    url = case_url_maker()
    qs = Effort.objects.filter(
        status__in=[Effort.Status.ACCEPTED, Effort.Status.DECLINED],
        referred_at__isnull=False,
        answered_at__gte=since,
    ).order_by()
    if effort_id is not None:
        qs = qs.filter(pk=effort_id)
    qs = (
        with_citizen_first_name(with_coordinator(qs, "case__"), "case__citizen__")
        .annotate(
            day=TruncDate("answered_at", tzinfo=tz),
            responsible_sees=ExpressionWrapper(
                case_visible("responsible_id", "case__"), output_field=BooleanField()
            ),
            coordinator_sees=ExpressionWrapper(
                case_visible("coordinator_id", "case__"), output_field=BooleanField()
            ),
        )
        .values_list(
            "id",
            "title",
            "status",
            "decline_reason",
            "receiving_organisation__name",
            "case_id",
            "responsible_id",
            "coordinator_id",
            "citizen_first_name",
            "day",
            "responsible_sees",
            "coordinator_sees",
        )
    )

    def candidates():
        for row in qs.iterator(ITER_CHUNK):
            pk, title, status, reason, org, case_id, resp, coord, citizen, day, resp_sees, coord_sees = row
            recipients = [r for r, sees in ((resp, resp_sees), (coord, coord_sees)) if r and sees]
            for recipient in dict.fromkeys(recipients):
                yield Candidate(
                    recipient_id=recipient,
                    kind=K.REFERRAL_ANSWERED,
                    event_key=f"referral:{pk}",
                    due_date=day,
                    url=url(case_id, "#indsatser"),
                    context={
                        "title": title,
                        "organisation": org or "",
                        "citizen": citizen,
                        "declined": status == Effort.Status.DECLINED,
                        "reason": reason,
                    },
                    coordinator_id=coord,
                )

    return len(notify(candidates()))


def scan_citizen_messages(*, now=None, message_id=None) -> int:
    """Unread messages and change requests from Mit forløb of the last days: the coordinator."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    since = now - timedelta(days=settings.REMINDER_HANDOVER_LOOKBACK_DAYS)
    url = case_url_maker()
    qs = CitizenMessage.objects.filter(read_at__isnull=True, created_at__gte=since).order_by()
    if message_id is not None:
        qs = qs.filter(pk=message_id)
    qs = (
        with_citizen_first_name(with_coordinator(qs, "case__"), "case__citizen__")
        .filter(coordinator_id__isnull=False)
        .filter(case_visible("coordinator_id", "case__"))
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values_list("id", "kind", "case_id", "coordinator_id", "citizen_first_name", "day")
    )
    labels = dict(CitizenMessage.Kind.choices)

    def candidates():
        for pk, kind, case_id, coordinator_id, citizen, day in qs.iterator(ITER_CHUNK):
            yield Candidate(
                recipient_id=coordinator_id,
                kind=K.CITIZEN_MESSAGE,
                event_key=f"citizen_message:{pk}",
                due_date=day,
                url=url(case_id, "#borgeradgang"),
                context={"citizen": citizen, "what": str(labels.get(kind, kind)).lower()},
                coordinator_id=coordinator_id,
            )

    return len(notify(candidates()))


INTERPRETER_HORIZON_DAYS = 60


def interpreter_deadline(meeting_day, notice_days: int):
    """The last day to book the interpreter: ``notice_days`` Danish working days before the meeting."""
    return working_days_before(meeting_day, notice_days)


def scan_interpreters(*, now=None) -> int:
    """Future meetings needing an interpreter not yet booked, once the municipality's notice
    (N working days before the meeting, weekends and Danish public holidays skipped) is reached:
    the meeting's organiser, once per meeting and deadline."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    url = case_url_maker()
    # A generous horizon in calendar days (N <= 20 working days are far fewer than 60 calendar
    # days, Easter and Christmas included); the exact working-day deadline is applied per row.
    qs = (
        with_citizen_first_name(
            Meeting.objects.filter(
                starts_at__gt=now,
                interpreter_needed=True,
                interpreter_booked=False,
                case__status=Case.Status.OPEN,
                created_by__isnull=False,
                created_by__is_active=True,
            ).order_by(),
            "case__citizen__",
        )
        .filter(case_visible("created_by_id", "case__"))
        .annotate(day=TruncDate("starts_at", tzinfo=tz))
        .filter(day__lte=today + timedelta(days=INTERPRETER_HORIZON_DAYS))
        .values_list(
            "id",
            "title",
            "starts_at",
            "interpreter_language",
            "case_id",
            "created_by_id",
            "citizen_first_name",
            "day",
            "case__municipality__interpreter_notice_days",
        )
    )

    def candidates():
        for pk, title, starts, language, case_id, organiser, citizen, day, notice in qs.iterator(ITER_CHUNK):
            deadline = interpreter_deadline(day, notice)
            if deadline > today:
                continue
            yield Candidate(
                recipient_id=organiser,
                kind=K.INTERPRETER_NOT_BOOKED,
                event_key=f"interpreter:{pk}",
                due_date=deadline,
                url=url(case_id, "#moeder"),
                context={
                    "title": title or _("Møde"),
                    "when": timezone.localtime(starts, tz).strftime("%d-%m-%Y %H:%M"),
                    "due": deadline,
                    "citizen": citizen,
                    "language": language or _("sprog ikke angivet"),
                },
            )

    return len(notify(candidates()))


def scan_all() -> dict:
    return {
        "referrals": scan_referrals(),
        "referral_answers": scan_referral_answers(),
        "citizen_messages": scan_citizen_messages(),
        "interpreters": scan_interpreters(),
        "tasks": scan_tasks(),
        "meetings": scan_meetings(),
        "handovers": scan_handovers(),
        "plan_reviews": scan_plan_reviews(),
        "inactive_cases": scan_inactive_cases(),
        "consents": scan_consents(),
    }
