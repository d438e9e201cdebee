"""Compute the report summary tables now: the months touched since the last run, or all."""

from django.core.management.base import BaseCommand

from rapporter.compute import compute_reports


class Command(BaseCommand):
    help = "Beregn rapporternes månedstal (kun de måneder, der er ændret siden sidste kørsel)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Beregn alle måneder forfra.")

    def handle(self, *args, **options):
        run = compute_reports(full=options["all"])
        first = run.first_month.isoformat() if run.first_month else "-"
        self.stdout.write(f"Beregnet {run.months} måned(er) fra {first}.")
