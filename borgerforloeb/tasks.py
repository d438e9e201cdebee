"""Celery tasks of citizen cases (thin: they call a service), and the receiver that enqueues them."""

from celery import shared_task
from django.db import transaction
from django.dispatch import receiver

from borgerforloeb import reminders, retention
from borgerforloeb.signals import coordinator_changed
from core.queue import enqueue_on_commit


@shared_task(acks_late=True)
def notify_coordinator_change(case_id: str) -> int:
    """Tell a case's new coordinator (and the previous one, on a handover) right after the change,
    instead of waiting for the periodic scan. Idempotent: a notice is created once per assignment."""
    with transaction.atomic():
        return reminders.scan_handovers(case_id=case_id)


@receiver(coordinator_changed, dispatch_uid="borgerforloeb.tasks.coordinator_changed")
def _on_coordinator_changed(sender, case, **kwargs):
    """Sent inside the service's transaction: the task is enqueued with the change, not run in the
    web request, and reaches the worker after commit (or after Redis comes back)."""
    enqueue_on_commit(notify_coordinator_change, case.pk)


@shared_task(acks_late=True)
def run_retention() -> int:
    """Nightly (Celery beat, see the migration that creates the schedule): the retention rules."""
    return retention.run_retention().pk


@shared_task(acks_late=True)
def notify_referral(effort_id: str) -> int:
    """Tell the receiving organisation of a new referral, or the responsible person and the
    coordinator of its answer, right away. Idempotent (one notice per event and person)."""
    with transaction.atomic():
        return reminders.scan_referrals(effort_id=effort_id) + reminders.scan_referral_answers(
            effort_id=effort_id
        )


@shared_task(acks_late=True)
def notify_citizen_message(message_id: int) -> int:
    """Tell the coordinator about a message or change request from Mit forløb. Idempotent."""
    with transaction.atomic():
        return reminders.scan_citizen_messages(message_id=message_id)
