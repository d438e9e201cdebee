"""Celery tasks of the offer directory (thin: they call a service)."""

from celery import shared_task
from django.db import transaction

from tilbud.reminders import scan_offers


@shared_task(acks_late=True)
def scan_offer_reminders() -> int:
    """Run only the offer-freshness scan (the 15-minute scan in ``core.tasks`` runs it too)."""
    with transaction.atomic():
        return scan_offers()
