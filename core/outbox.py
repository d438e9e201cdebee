"""The outbox: Celery tasks are written to the database first and handed to the broker after commit.

``core.queue.enqueue_on_commit`` writes an :class:`core.models.OutboxJob` row in the caller's
transaction. After commit :func:`send_jobs` hands it to Redis and deletes the row. When Redis is down
the row stays, and :func:`flush_outbox` (a Celery beat task every 30 seconds, and
``manage.py flush_outbox``) sends everything left once Redis is back. Delivery is at least once:
tasks must be idempotent (they take ids and check what is already done).
"""

from __future__ import annotations

import logging

from celery import current_app as celery_app  # config/celery.py's app, without importing config
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F

from core.models import OutboxJob

logger = logging.getLogger(__name__)

FLUSH_BATCH = 100
# Fail fast when Redis is down (kombu would otherwise retry for seconds inside the web request):
# the job is safe in the outbox and the next flush sends it.
FAIL_FAST = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "socket_connect_timeout": 2}


def _broker_connection():
    return celery_app.connection_for_write(settings.CELERY_BROKER_URL, transport_options=FAIL_FAST)


def _publish(job: OutboxJob, connection) -> None:
    celery_app.send_task(job.task, args=job.args, kwargs=job.kwargs, connection=connection, retry=False)


def _note_failure(jobs: list[OutboxJob], exc: Exception) -> None:
    reason = f"{exc.__class__.__name__}: {exc}"[:200]
    OutboxJob.objects.filter(pk__in=[job.pk for job in jobs]).update(
        attempts=F("attempts") + 1, last_error=reason
    )
    logger.warning(
        "Broker unavailable; %s job(s) stay in the outbox, first %s #%s (%s)",
        len(jobs),
        jobs[0].task,
        jobs[0].pk,
        reason,
    )


def send_jobs(job_ids: list[int]) -> int:
    """Hand these outbox jobs to the broker over one connection, oldest first (run right after the
    commit that wrote them). Returns how many were sent; the rest stay for the next flush. A job
    that a flush is sending right now is left to it (SKIP LOCKED)."""
    sent = 0
    for start in range(0, len(job_ids), FLUSH_BATCH):
        with transaction.atomic():
            jobs = list(
                OutboxJob.objects.select_for_update(skip_locked=True)
                .filter(pk__in=job_ids[start : start + FLUSH_BATCH])
                .order_by("id")
            )
            published: list[int] = []
            error = None
            try:
                with _broker_connection() as connection:
                    for job in jobs:
                        _publish(job, connection)
                        published.append(job.pk)
            except Exception as exc:  # noqa: BLE001 - any broker failure: keep the rows for the next flush
                error = exc
            OutboxJob.objects.filter(pk__in=published).delete()
            sent += len(published)
            if error is not None:
                if len(published) < len(jobs):
                    _note_failure(jobs[len(published) :], error)
                return sent
    return sent


def flush_outbox(*, limit: int = 10_000) -> int:
    """Send waiting jobs, oldest first; stop at the first broker failure. Returns how many were sent."""
    sent = 0
    try:
        with _broker_connection() as connection:
            while sent < limit:
                with transaction.atomic():
                    jobs = list(
                        OutboxJob.objects.select_for_update(skip_locked=True).order_by("id")[
                            : min(FLUSH_BATCH, limit - sent)
                        ]
                    )
                    if not jobs:
                        break
                    for job in jobs:
                        try:
                            _publish(job, connection)
                        except Exception as exc:  # noqa: BLE001
                            _note_failure([job], exc)
                            return sent
                        job.delete()
                        sent += 1
    except Exception as exc:  # noqa: BLE001 - connecting failed: Redis is still down, try again later
        logger.warning("Outbox flush postponed: broker unavailable (%s)", exc.__class__.__name__)
    if sent:
        logger.info("Outbox flush sent %s job(s)", sent)
    return sent


@shared_task(name="core.outbox.flush_outbox", ignore_result=True)
def flush_outbox_task() -> int:
    return flush_outbox()
