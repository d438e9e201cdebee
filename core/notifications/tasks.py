"""The e-mail tasks: they take ids and call ``core.notifications.delivery``.

Named ``core.tasks.*`` (where Celery finds them, re-exported by ``core/tasks.py``); defined here so
that ``core.notifications.service`` enqueues them without an import cycle.
"""

import smtplib

from celery import shared_task
from django.conf import settings

from core.notifications.delivery import deliver_digest, deliver_email

RETRYABLE = (smtplib.SMTPException, OSError)


@shared_task(
    name="core.tasks.send_notification_email",
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=settings.REMINDER_EMAIL_RETRY_BACKOFF,
    retry_backoff_max=6 * 3600,
    retry_jitter=True,
    max_retries=settings.REMINDER_EMAIL_MAX_RETRIES,
)
def send_notification_email(notification_id: int) -> str:
    return deliver_email(notification_id)


@shared_task(
    name="core.tasks.send_digest_email",
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=300,
    retry_backoff_max=6 * 3600,
    retry_jitter=True,
    max_retries=6,
)
def send_digest_email(user_id: str) -> int:
    return deliver_digest(user_id)
