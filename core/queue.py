"""The one way to start background work: enqueue it so that it is never lost, even when Redis is down.

Every Celery task the product starts goes through here (never ``task.delay()``)::

    from core.queue import enqueue_on_commit

    with transaction.atomic():
        meeting = Meeting.objects.create(...)
        enqueue_on_commit(send_meeting_invitations, meeting.pk)

The job is stored in the same transaction as the data (so a rollback drops it too), sent to the
broker right after commit, and kept in the outbox until Redis accepts it (see ``core.outbox``).
Arguments must be JSON values; UUIDs, dates and decimals arrive in the task as strings.
Delivery is at least once, so the task must be idempotent.

With ``CELERY_TASK_ALWAYS_EAGER`` (a laptop without a worker) no outbox row is written: the task
runs in this process right after commit, as Celery's eager mode runs ``delay()``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import partial, update_wrapper

from celery import current_app as celery_app  # config/celery.py's app, without importing config
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from core.models import OutboxJob
from core.outbox import send_jobs


def _named(call: partial, func) -> partial:
    """The callback under its function's name: a failing robust on_commit callback is logged by
    its ``__qualname__``, which a bare partial lacks."""
    return update_wrapper(call, func)


def _task_name(task) -> str:
    name = task if isinstance(task, str) else getattr(task, "name", None)
    if not name:
        raise TypeError(f"enqueue_on_commit needs a Celery task or a task name, got {task!r}")
    return name


def _json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _run_here(task, calls: list) -> None:
    """Eager mode: run the task in this process, like ``delay()`` under ``task_always_eager``."""
    if isinstance(task, str):
        celery_app.loader.import_default_modules()
        task = celery_app.tasks[task]
    for args, kwargs in calls:
        task.apply(args=args, kwargs=kwargs)


def _enqueue(task, calls: list) -> list[OutboxJob]:
    name = _task_name(task)
    calls = [_json([list(args), kwargs]) for args, kwargs in calls]
    if not calls:
        return []
    if celery_app.conf.task_always_eager:
        transaction.on_commit(_named(partial(_run_here, task, calls), _run_here), robust=True)
        return []
    jobs = OutboxJob.objects.bulk_create(
        OutboxJob(task=name, args=args, kwargs=kwargs) for args, kwargs in calls
    )
    transaction.on_commit(_named(partial(send_jobs, [job.pk for job in jobs]), send_jobs), robust=True)
    return jobs


def enqueue_on_commit(task, *args, **kwargs) -> OutboxJob | None:
    """Run ``task(*args, **kwargs)`` in the worker once the current transaction commits."""
    jobs = _enqueue(task, [(args, kwargs)])
    return jobs[0] if jobs else None


def enqueue_many_on_commit(task, arg_lists: Iterable[Sequence]) -> list[OutboxJob]:
    """``enqueue_on_commit(task, *args)`` for each ``args`` of ``arg_lists``, with one INSERT and
    one broker connection after commit (e.g. one e-mail task per new notification)."""
    return _enqueue(task, [(list(args), {}) for args in arg_lists])
