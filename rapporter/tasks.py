"""Celery tasks of the reports: the nightly computation of the summary tables."""

from celery import shared_task

from rapporter.compute import compute_reports


@shared_task(acks_late=True)
def compute_reports_nightly():
    """Recompute the months touched since the last run (scheduled nightly, see migrations)."""
    run = compute_reports()
    return {"first_month": run.first_month.isoformat() if run.first_month else None, "months": run.months}
