"""Celery tasks of the framework (thin: ids in, a scan out)."""

from celery import shared_task
from django.db import transaction

from samarbejde import reminders


@shared_task(acks_late=True)
def notify_forum_actions(meeting_id: int) -> int:
    """Tell the responsible people of a forum meeting's actions right after the minutes are saved.
    Idempotent: each action is notified once per person."""
    with transaction.atomic():
        return reminders.scan_forum_actions(meeting_id=meeting_id)
