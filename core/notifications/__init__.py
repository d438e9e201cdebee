"""Reminders: notification rows (in-app) and their e-mails.

Other apps find *what* is due with set-based queries and hand this package ``Candidate`` rows;
``notify`` inserts them once (``INSERT ... ON CONFLICT DO NOTHING RETURNING``) and enqueues one
e-mail task per new row whose recipient wants e-mails at once, through ``core.queue`` (an outbox row
in the same transaction, handed to the broker after commit). See ``service``.
"""

from core.notifications.delivery import deliver_digest, deliver_email
from core.notifications.service import (
    Candidate,
    notify,
    requeue_stale,
    send_test_notification,
)

__all__ = [
    "Candidate",
    "deliver_digest",
    "deliver_email",
    "notify",
    "requeue_stale",
    "send_test_notification",
]
