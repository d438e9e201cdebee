"""Anonymise closed cases past the retention period (settings.RETENTION_DAYS_AFTER_CLOSE).

    python manage.py anonymise_closed_cases --dry-run     # list what would be done, change nothing
    python manage.py anonymise_closed_cases --limit 50    # at most 50 cases in this run

The output names cases by id, municipality and end date only (never by person).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from borgerforloeb import gdpr


class Command(BaseCommand):
    help = "Anonymise closed cases whose end date is older than RETENTION_DAYS_AFTER_CLOSE."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be done; change nothing.")
        parser.add_argument(
            "--limit",
            type=int,
            default=getattr(settings, "RETENTION_MAX_CASES_PER_RUN", gdpr.DEFAULT_RUN_LIMIT),
            help="At most this many cases per run (default: RETENTION_MAX_CASES_PER_RUN).",
        )

    def handle(self, *args, dry_run=False, limit=None, **options):
        if limit is None or limit < 1:
            raise CommandError("--limit must be a positive whole number.")
        cutoff = gdpr.retention_cutoff()
        total = gdpr.retention_candidates().count()
        self.stdout.write(
            f"Retention: {gdpr.retention_days()} days after close (end date before {cutoff.isoformat()}). "
            f"Candidates: {total}; this run: at most {limit}."
        )
        plans = gdpr.anonymise_closed_cases(limit=limit, dry_run=dry_run)
        verb = "Would anonymise" if dry_run else "Anonymised"
        for plan in plans:
            rows = ", ".join(f"{name}={count}" for name, count in sorted(plan.rows.items()) if count)
            self.stdout.write(
                f"{verb} case {plan.case_id} ({plan.municipality}, closed {plan.end_date}): {rows}"
            )
        summary = f"{verb} {len(plans)} case(s)."
        if total > len(plans):
            summary += f" {total - len(plans)} left for later runs."
        if dry_run:
            summary += " Dry run: nothing was changed."
        self.stdout.write(self.style.SUCCESS(summary))
