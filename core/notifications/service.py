"""Creating reminders once and e-mailing them at most once (see the package docstring)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone, translation
from psycopg2.extras import execute_values

from core.models import Notification, NotificationKind, NotificationPreference
from core.notifications.texts import first_name, render
from core.queue import enqueue_many_on_commit

logger = logging.getLogger(__name__)

K = NotificationKind
S = Notification.EmailStatus
BATCH = 2000
EMAIL_TASK = "core.tasks.send_notification_email"
# Kinds nobody can mute: they are about the system itself.
UNMUTABLE = {K.EMAIL_UNDELIVERABLE, K.TEST}


@dataclass(frozen=True)
class Candidate:
    """A reminder a scan found due. ``coordinator_id`` is the case's active coordinator (if any):
    told when the recipient has no e-mail, and never able to mute overdue tasks of the case."""

    recipient_id: object
    kind: str
    event_key: str
    due_date: date
    url: str = ""
    context: dict = field(default_factory=dict, hash=False, compare=False)
    coordinator_id: object = None


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    it = iter(iterable)
    while chunk := list(islice(it, size)):
        yield chunk


def is_muted(kind: str, muted: Iterable[str], *, recipient_id, coordinator_id) -> bool:
    if kind in UNMUTABLE or kind not in (muted or ()):
        return False
    # The coordinator cannot mute overdue-task reminders for their own cases.
    return not (
        kind == K.TASK_OVERDUE and coordinator_id is not None and str(recipient_id) == str(coordinator_id)
    )


_INSERT = """
INSERT INTO core_notification (recipient_id, kind, event_key, due_date, subject, body, url,
    created_at, email_status, email_attempts, email_enqueued_at, last_error)
VALUES %s
ON CONFLICT (kind, event_key, recipient_id, due_date) DO NOTHING
RETURNING id, recipient_id::text, kind, event_key, due_date, subject, email_status
"""


def notify(candidates: Iterable[Candidate], *, now=None) -> list[int]:
    """Insert each candidate once; return the ids of the rows this call created.

    E-mails for new rows whose recipient wants them at once are enqueued through the outbox
    (``core.queue``), so they go to the broker after commit and survive a Redis outage. A
    recipient without an e-mail keeps the in-app row and the case's coordinator is told.
    """
    now = now or timezone.now()
    created: list[int] = []
    to_send: list[int] = []
    with transaction.atomic():
        # Scans stream their candidates through a server-side cursor and read all of it: plan
        # for the whole result (not the first 10 %, which picks nested loops that explode when
        # the notification table's statistics are stale). For this transaction only.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        for chunk in _chunks(candidates, BATCH):
            undeliverable: list[Candidate] = []
            ids, send, missing = _insert_chunk(chunk, now)
            created += ids
            to_send += send
            undeliverable += missing
            if undeliverable:
                ids, send, _missing = _insert_chunk(undeliverable, now)
                created += ids
                to_send += send
        if to_send:
            enqueue(to_send)
    return created


def _insert_chunk(chunk: list[Candidate], now) -> tuple[list[int], list[int], list[Candidate]]:
    User = get_user_model()
    # Ids are compared as text: scans may hand over UUIDs or their text (cheaper to fetch).
    user_ids = {str(c.recipient_id) for c in chunk}
    users = {
        str(row["id"]): row
        for row in User.objects.filter(id__in=user_ids, is_active=True).values(
            "id",
            "email",
            "full_name",
            "language",
            "notification_preference__mode",
            "notification_preference__muted_kinds",
        )
    }
    rows = []
    by_key = {}
    for cand in chunk:
        user = users.get(str(cand.recipient_id))
        if user is None or is_muted(
            cand.kind,
            user["notification_preference__muted_kinds"],
            recipient_id=cand.recipient_id,
            coordinator_id=cand.coordinator_id,
        ):
            continue
        if not user["email"]:
            status = S.NOT_APPLICABLE
        elif user["notification_preference__mode"] == NotificationPreference.Mode.DIGEST:
            status = S.DIGEST
        else:
            status = S.QUEUED
        by_key[(cand.kind, cand.event_key[:120], str(cand.recipient_id), cand.due_date)] = cand
        rows.append((user["language"] or settings.LANGUAGE_CODE, cand, status))
    # Rendered in each recipient's language (texts memoise translations per language).
    values = []
    for language, cand, status in rows:
        subject, body = render(cand.kind, cand.context, language)
        values.append(
            (
                cand.recipient_id,
                cand.kind,
                cand.event_key[:120],
                cand.due_date,
                subject,
                body,
                cand.url,
                now,
                status,
                0,
                now if status == S.QUEUED else None,
                "",
            )
        )
    rows = values
    if not rows:
        return [], [], []
    with connection.cursor() as cursor:
        returned = execute_values(cursor.cursor, _INSERT, rows, page_size=len(rows), fetch=True)
    ids, send, missing = [], [], []
    for pk, recipient_id, kind, event_key, due_date, subject, status in returned:
        ids.append(pk)
        if status == S.QUEUED:
            send.append(pk)
        elif status == S.NOT_APPLICABLE:
            cand = by_key.get((kind, event_key, recipient_id, due_date))
            coordinator_id = str(cand.coordinator_id) if cand and cand.coordinator_id else None
            if coordinator_id and coordinator_id != recipient_id and kind != K.EMAIL_UNDELIVERABLE:
                user = users[recipient_id]
                missing.append(
                    Candidate(
                        recipient_id=coordinator_id,
                        kind=K.EMAIL_UNDELIVERABLE,
                        event_key=f"{kind}:{event_key}:{recipient_id}",
                        due_date=due_date,
                        url=cand.url,
                        context={"name": first_name(user["full_name"], ""), "original": subject},
                    )
                )
    return ids, send, missing


def enqueue(ids: list[int]) -> None:
    """Enqueue one e-mail task per notification, in the caller's transaction (``core.queue``: sent
    to the broker after commit, kept in the outbox while Redis is down)."""
    enqueue_many_on_commit(EMAIL_TASK, ([pk] for pk in ids))


def requeue_stale(*, older_than: timedelta | None = None, limit: int = 10000) -> list[int]:
    """Enqueue again e-mails still queued long after they were first enqueued (a worker died
    holding them, or Redis lost them after accepting them). Safe: ``deliver_email`` sends each
    row at most once."""
    if older_than is None:
        older_than = timedelta(seconds=settings.REMINDER_REQUEUE_AFTER_SECONDS)
    now = timezone.now()
    with transaction.atomic():
        stale = Notification.objects.filter(
            email_status=S.QUEUED, email_enqueued_at__lte=now - older_than
        ).values_list("pk", flat=True)[:limit]
        ids = list(
            Notification.objects.filter(pk__in=list(stale))
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        if ids:
            Notification.objects.filter(pk__in=ids).update(email_enqueued_at=now)
            enqueue(ids)
    return ids


def send_test_notification(*, recipient, actor) -> Notification:
    """A test reminder to ``recipient`` (from the admin), e-mailed at once whatever their mode."""
    from core.audit import record

    with transaction.atomic():
        has_email = bool(recipient.email)
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            subject, body = render(K.TEST, {})
        now = timezone.now()
        notification = Notification.objects.create(
            recipient=recipient,
            kind=K.TEST,
            event_key=f"test:{uuid.uuid4()}",
            due_date=timezone.localdate(),
            subject=subject,
            body=body,
            url="/notifikationer/",
            email_status=S.QUEUED if has_email else S.NOT_APPLICABLE,
            email_enqueued_at=now if has_email else None,
        )
        record(actor=actor, action="create", obj=notification, note="test reminder")
        if has_email:
            enqueue([notification.pk])
    return notification
