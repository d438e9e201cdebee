"""Thin Celery tasks for reminders: they take ids and call core.notifications.

The two e-mail tasks are defined in ``core.notifications.tasks`` (under their names here,
``core.tasks.send_notification_email`` and ``core.tasks.send_digest_email``), so that the
notification service can enqueue them without importing this module.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from core.models import Notification
from core.notifications import requeue_stale
from core.notifications.tasks import send_digest_email, send_notification_email
from core.queue import enqueue_many_on_commit

__all__ = [
    "run_reminder_scans",
    "run_scans",
    "send_daily_digests",
    "send_digest_email",
    "send_notification_email",
]

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    """One digest task per user with notifications waiting for the daily e-mail."""
    user_ids = list(
        Notification.objects.filter(email_status=Notification.EmailStatus.DIGEST)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        enqueue_many_on_commit(send_digest_email, ([str(user_id)] for user_id in user_ids))
    return len(user_ids)


def run_scans() -> dict:
    """Run every scan in ``settings.REMINDER_SCANS`` (each in its own transaction), then enqueue
    again e-mails a dead worker left queued. A scan that fails does not stop the others."""
    result = {}
    for path in settings.REMINDER_SCANS:
        try:
            scan = import_string(path)
        except ImportError:
            logger.info("reminder scan %s is not available", path)
            continue
        try:
            with transaction.atomic():
                result[path] = scan()
        except Exception:
            logger.exception("reminder scan %s failed", path)
            result[path] = "error"
    result["requeued"] = len(requeue_stale())
    return result


@shared_task(acks_late=True)
def run_reminder_scans() -> dict:
    return run_scans()
