"""python manage.py import_offers FILE.csv [--skip-invalid]  (format: see tilbud/csv_io.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tilbud import csv_io


class Command(BaseCommand):
    help = "Imports offers from a CSV file (see README: 'Tilbud: CSV-format'). Updates by id."

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file (UTF-8), or - for standard input")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Save the valid rows even when some rows are invalid."
        )

    def handle(self, *args, path, skip_invalid=False, **options):
        if path == "-":
            import sys

            text = sys.stdin.read().lstrip("\ufeff")
        else:
            try:
                text = Path(path).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {path}: {error}") from error
        result = csv_io.import_csv(text, skip_invalid=skip_invalid)
        for line in result.error_lines():
            self.stderr.write(line)
        if not result.saved:
            raise CommandError(f"Nothing saved: {len(result.errors)} row(s) with errors.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
                + (f", skipped {len(result.errors)} invalid row(s)." if result.errors else ".")
            )
        )
