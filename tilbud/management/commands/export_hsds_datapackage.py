"""python manage.py export_hsds_datapackage PATH: the public directory as an HSDS data package.

PATH ending in .zip: one zip file; otherwise a folder (created if missing) that receives
datapackage.json and one CSV file per table.
"""

import pathlib

from django.core.management.base import BaseCommand

from tilbud import datapackage


class Command(BaseCommand):
    help = "Exports the public offers as an HSDS 3.0 tabular data package (CSV files + datapackage.json)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A folder, or a file name ending in .zip")

    def handle(self, *args, path, **options):
        target = pathlib.Path(path)
        if target.suffix == ".zip":
            target.write_bytes(datapackage.zip_bytes())
            self.stdout.write(f"Wrote {target}.")
            return
        target.mkdir(parents=True, exist_ok=True)
        written = datapackage.files()
        for name, content in written.items():
            (target / name).write_bytes(content)
        self.stdout.write(f"Wrote {len(written)} files to {target}.")
