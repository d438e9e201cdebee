"""E-mailing one notification, or one user's digest, at most once (the tasks' work)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.models import Notification
from core.notifications.texts import first_name

logger = logging.getLogger(__name__)

S = Notification.EmailStatus


def site_link(url: str) -> str:
    if not url:
        return settings.SITE_URL.rstrip("/") + "/notifikationer/"
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def _message(user, subject: str, body: str) -> EmailMessage:
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )


def deliver_email(notification_id: int) -> str:
    """Send one notification's e-mail unless it was already sent. Returns the new status.

    The row is locked while sending, so two workers holding the same id send once. An SMTP
    error marks the row failed (attempts counted, error kept) and is raised for the task to retry.
    """
    error = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.email_status not in (S.QUEUED, S.FAILED):
            return notification.email_status if notification else "missing"
        user = notification.recipient
        if not user.email or not user.is_active:
            notification.email_status = S.NOT_APPLICABLE
            notification.save(update_fields=["email_status"])
            return notification.email_status
        notification.email_attempts += 1
        with translation.override(user.language or settings.LANGUAGE_CODE):
            body = render_to_string(
                "email/notification.txt",
                {
                    "first_name": first_name(user.full_name, user.email),
                    "notification": notification,
                    "link": site_link(notification.url),
                    "preferences_link": site_link("/notifikationer/indstillinger/"),
                },
            )
            subject = render_to_string("email/subject.txt", {"subject": notification.subject}).strip()
        try:
            _message(user, subject, body).send(fail_silently=False)
        except Exception as exc:  # SMTP refusals, connection errors: recorded, then retried
            error = exc
            notification.email_status = S.FAILED
            notification.last_error = f"{type(exc).__name__}: {exc}"[:500]
        else:
            notification.email_status = S.SENT
            notification.email_sent_at = timezone.now()
            notification.last_error = ""
        notification.save(update_fields=["email_status", "email_attempts", "email_sent_at", "last_error"])
    if error is not None:
        logger.warning("reminder e-mail %s failed: %s", notification_id, type(error).__name__)
        raise error
    return S.SENT


def deliver_digest(user_id) -> int:
    """Send one e-mail listing all of a user's notifications waiting for the digest.

    Returns how many notifications it covered (0 when there was nothing, or it was sent already).
    """
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            return 0
        items = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient=user, email_status=S.DIGEST)
            .order_by("created_at", "id")
        )
        if not items:
            return 0
        if not user.email or not user.is_active:
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(email_status=S.NOT_APPLICABLE)
            return 0
        with translation.override(user.language or settings.LANGUAGE_CODE):
            body = render_to_string(
                "email/digest.txt",
                {
                    "first_name": first_name(user.full_name, user.email),
                    "items": [(n, site_link(n.url)) for n in items],
                    "list_link": site_link("/notifikationer/"),
                    "preferences_link": site_link("/notifikationer/indstillinger/"),
                },
            )
            subject = render_to_string("email/digest_subject.txt", {"count": len(items)}).strip()
        _message(user, subject, body).send(fail_silently=False)
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(
            email_status=S.SENT, email_sent_at=timezone.now(), email_attempts=1
        )
    return len(items)
