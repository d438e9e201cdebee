"""Celery tasks of citizen cases (thin: they call a service)."""

from celery import shared_task
from django.db import transaction

from borgerforloeb import reminders


@shared_task(acks_late=True)
def scan_case_reminders() -> dict:
    """Run only the case scans (the 15-minute scan in ``core.tasks`` runs them too)."""
    with transaction.atomic():
        return reminders.scan_all()


@shared_task(acks_late=True)
def notify_coordinator_change(case_id: str) -> int:
    with transaction.atomic():
        return reminders.scan_handovers(case_id=case_id)
