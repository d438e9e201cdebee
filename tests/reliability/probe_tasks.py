"""A tiny Celery app for the reliability tests: the portal's app plus one probe task.

The probe records each run as an audit event, so a test can count how often a job really ran.
Start a worker with ``celery -A tests.reliability.probe_tasks worker``.
"""

from config.celery import app

PROBE_TASK = "tests.reliability.record_probe"


@app.task(name=PROBE_TASK)
def record_probe(token: str, **details) -> None:
    from core.models import AuditEvent

    AuditEvent.objects.create(
        action=AuditEvent.Action.OTHER, object_type="reliability.probe", object_id=token, changes=details
    )


def probe_runs(token: str) -> int:
    from core.models import AuditEvent

    return AuditEvent.objects.filter(object_type="reliability.probe", object_id=token).count()
