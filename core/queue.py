"""Enqueue background work so that it is never lost, even when Redis is down.

Use instead of ``transaction.on_commit(lambda: task.delay(...))``::

    from core.queue import enqueue_on_commit

    with transaction.atomic():
        meeting = Meeting.objects.create(...)
        enqueue_on_commit(send_meeting_invitations, meeting.pk)

The job is stored in the same transaction as the data (so a rollback drops it too), sent to the
broker right after commit, and kept in the outbox until Redis accepts it (see ``core.outbox``).
Arguments must be JSON values; UUIDs, dates and decimals arrive in the task as strings.
Delivery is at least once, so the task must be idempotent.
"""

from __future__ import annotations

import json
from functools import partial

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from core.models import OutboxJob


def _task_name(task) -> str:
    name = task if isinstance(task, str) else getattr(task, "name", None)
    if not name:
        raise TypeError(f"enqueue_on_commit needs a Celery task or a task name, got {task!r}")
    return name


def enqueue_on_commit(task, *args, **kwargs) -> OutboxJob:
    """Run ``task(*args, **kwargs)`` in the worker once the current transaction commits."""
    args, kwargs = json.loads(json.dumps([list(args), kwargs], cls=DjangoJSONEncoder))
    job = OutboxJob.objects.create(task=_task_name(task), args=args, kwargs=kwargs)
    from core.outbox import send_job

    transaction.on_commit(partial(send_job, job.pk), robust=True)
    return job
