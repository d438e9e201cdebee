"""The retention rules as one nightly run (Celery beat, ``borgerforloeb.tasks.run_retention``):
anonymise closed cases past ``RETENTION_DAYS_AFTER_CLOSE`` (at most
``RETENTION_MAX_CASES_PER_RUN`` per run) and delete audit rows past ``AUDIT_RETENTION_DAYS``.

Each run leaves a ``RetentionRun`` row (counts only) shown in the admin, and logs the same counts;
``preview`` is the dry run of the next run that administrators see in the admin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from borgerforloeb import gdpr
from borgerforloeb.models import RetentionRun

logger = logging.getLogger(__name__)


def run_limit() -> int:
    return int(getattr(settings, "RETENTION_MAX_CASES_PER_RUN", gdpr.DEFAULT_RUN_LIMIT))


@dataclass
class Preview:
    """What the next run will do (nothing is changed to find out)."""

    case_cutoff: object
    audit_cutoff: object
    limit: int
    candidates: int
    plans: list
    audit_rows: int

    @property
    def cases_this_run(self) -> int:
        return len(self.plans)

    @property
    def cases_left(self) -> int:
        return max(self.candidates - len(self.plans), 0)


def preview(*, now=None) -> Preview:
    now = now or timezone.now()
    limit = run_limit()
    return Preview(
        case_cutoff=gdpr.retention_cutoff(timezone.localdate(now)),
        audit_cutoff=gdpr.audit_retention_cutoff(now),
        limit=limit,
        candidates=gdpr.retention_candidates(timezone.localdate(now)).count(),
        plans=gdpr.anonymise_closed_cases(limit=limit, dry_run=True, today=timezone.localdate(now)),
        audit_rows=gdpr.expired_audit_rows(now).count(),
    )


def run_retention(*, now=None) -> RetentionRun:
    """Anonymise what is due (within the cap), then prune the audit rows; record and log counts."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    run = RetentionRun.objects.create(
        started_at=now,
        case_cutoff=gdpr.retention_cutoff(today),
        audit_cutoff=gdpr.audit_retention_cutoff(now),
    )
    try:
        plans = gdpr.anonymise_closed_cases(limit=run_limit(), today=today)
        run.cases_anonymised = len(plans)
        run.cases_left = gdpr.retention_candidates(today).count()
        run.audit_rows_pruned = gdpr.prune_audit_rows(now)
    except Exception as error:
        run.error = type(error).__name__[:200]
        run.finished_at = timezone.now()
        run.save()
        logger.exception("Retention run %s failed", run.pk)
        raise
    run.finished_at = timezone.now()
    run.save()
    logger.info(
        "Retention run %s: %s case(s) anonymised, %s left for later runs, %s audit row(s) deleted",
        run.pk,
        run.cases_anonymised,
        run.cases_left,
        run.audit_rows_pruned,
    )
    return run
