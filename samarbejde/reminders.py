"""Reminders of the framework (model level 1), set-based; ``core.notifications.notify`` stores
each row once, so a repeated scan or a retried task sends nothing twice.

- Forum actions pushed to their responsible person: when assigned (actions created in the last
  days) and when overdue.
- Framework plans and workflows: each document's owner before its review date, the way offers'
  freshness reminders work (``tilbud.reminders``); one reminder per document, owner and review
  date, so a new review date starts a new one."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from core.models import NotificationKind
from core.notifications import Candidate, notify
from samarbejde.models import ForumAction, FrameworkDocument

K = NotificationKind
FIELDS = (
    "id",
    "title",
    "due_date",
    "responsible_id",
    "meeting__forum__name",
    "meeting__forum_id",
    "meeting__forum__municipality__slug",
)


def _candidates(kind, qs):
    """``day`` (the row's due date): the day assigned, or the due date for overdue notices."""
    rows = qs.values_list(*FIELDS, "day").iterator(2000)
    for pk, title, due, responsible_id, forum, forum_id, slug, day in rows:
        yield Candidate(
            recipient_id=responsible_id,
            kind=kind,
            event_key=f"forum_action:{pk}",
            due_date=day,
            url=reverse("samarbejde:forum_detail", kwargs={"slug": slug, "pk": forum_id}),
            context={"title": title, "forum": forum, "due": due},
        )


def scan_forum_actions(*, now=None, meeting_id=None) -> int:
    """Open actions assigned in the last days (to their responsible person) and open actions past
    their due date (once per due date)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = now - timedelta(days=settings.REMINDER_HANDOVER_LOOKBACK_DAYS)
    base = ForumAction.objects.open().filter(responsible__is_active=True).order_by("responsible_id")
    if meeting_id is not None:
        base = base.filter(meeting_id=meeting_id)
    tz = timezone.get_current_timezone()
    new = base.filter(created_at__gte=since).annotate(day=TruncDate("created_at", tzinfo=tz))
    assigned = notify(_candidates(K.FORUM_ACTION_ASSIGNED, new))
    overdue = notify(
        _candidates(K.FORUM_ACTION_OVERDUE, base.filter(due_date__lt=today).annotate(day=F("due_date")))
    )
    return len(assigned) + len(overdue)


def scan_framework_documents(*, today=None) -> int:
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.REMINDER_FRAMEWORK_REVIEW_DAYS)
    qs = FrameworkDocument.objects.filter(review_date__lte=horizon, owner__is_active=True).values_list(
        "id", "title", "review_date", "owner_id", "municipality__slug"
    )

    def candidates():
        for pk, title, review_date, owner_id, slug in qs.iterator(2000):
            yield Candidate(
                recipient_id=owner_id,
                kind=NotificationKind.FRAMEWORK_REVIEW_DUE,
                event_key=f"frameworkdoc:{pk}",
                due_date=review_date,
                url=reverse("samarbejde:framework_document", kwargs={"slug": slug, "pk": pk}),
                context={"title": title, "due": review_date},
            )

    return len(notify(candidates()))


def scan_all() -> dict:
    return {"forum_actions": scan_forum_actions(), "framework_documents": scan_framework_documents()}
