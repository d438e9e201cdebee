"""python manage.py export_offers [FILE.csv]: every offer as CSV in the import format."""

import sys

from django.core.management.base import BaseCommand

from tilbud import csv_io
from tilbud.models import Offer


class Command(BaseCommand):
    help = "Exports all offers as CSV (the format import_offers reads)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="Output file, or - for standard output")

    def handle(self, *args, path="-", **options):
        if path == "-":
            csv_io.write_csv(Offer.objects.all(), sys.stdout)
        else:
            with open(path, "w", encoding="utf-8", newline="") as out:
                csv_io.write_csv(Offer.objects.all(), out)
