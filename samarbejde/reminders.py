"""Framework plans and workflows: remind each document's owner before its review date, the way
offers' freshness reminders work (``tilbud.reminders``). One reminder per document, owner and
review date: a new review date starts a new one."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.models import NotificationKind
from core.notifications import Candidate, notify
from samarbejde.models import FrameworkDocument


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
    return {"framework_documents": scan_framework_documents()}
