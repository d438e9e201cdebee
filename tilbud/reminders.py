"""Offer freshness: remind the offer organisation's members to confirm offers no one has
confirmed for 180 days. ``tilbud`` knows no citizen, so these reminders carry none."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from core.models import NotificationKind
from core.notifications import Candidate, notify
from tilbud.models import Offer


def scan_offers(*, today=None) -> int:
    today = today or timezone.localdate()
    days = settings.REMINDER_OFFER_VERIFY_DAYS
    tz = timezone.get_current_timezone()
    qs = (
        Offer.objects.needing_verification(days=days, today=today)
        .filter(organisation__memberships__user__is_active=True)
        .annotate(created_day=TruncDate("created_at", tzinfo=tz))
        .values_list("id", "name", "assured_date", "created_day", "organisation__memberships__user_id")
        .distinct()
    )

    def candidates():
        for pk, name, assured, created, user_id in qs.iterator(5000):
            # Stable per confirmation: a new confirmation starts a new 180-day period.
            due = assured + timedelta(days=days) if assured else created
            yield Candidate(
                recipient_id=user_id,
                kind=NotificationKind.OFFER_UNVERIFIED,
                event_key=f"offer:{pk}",
                due_date=due,
                url=reverse("tilbud:offer_detail", kwargs={"pk": pk}),
                context={"offer": name, "since": assured or created},
            )

    return len(notify(candidates()))


def scan_all() -> dict:
    return {"offers": scan_offers()}
