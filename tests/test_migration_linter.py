"""The migration linter of `make lint` (README "Zero-downtime migrations") rejects a new migration
that would break the version still running during a rollout, and lets the safe form through.

The crafted migrations go into a copy of core's migrations in a temporary package
(``MIGRATION_MODULES``), so the project's own folders are never touched.
"""

import shutil
import sys
import uuid

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings

from core import migrations as core_migrations

pytestmark = pytest.mark.django_db

MIGRATION = """from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "{leaf}")]
    operations = [migrations.AddField("notification", "linter_probe", {field})]
"""


def lint_new_core_migration(tmp_path, field: str) -> str:
    """Lint one new core migration adding ``field``; the linter's output (SystemExit when it fails)."""
    leaf = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("core")[0][1]
    package = f"linter_probe_{uuid.uuid4().hex}"
    folder = tmp_path / package
    shutil.copytree(core_migrations.__path__[0], folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "9999_linter_probe.py").write_text(MIGRATION.format(leaf=leaf, field=field))
    sys.path.insert(0, str(tmp_path))
    try:
        with override_settings(MIGRATION_MODULES={"core": package}):
            call_command("lintmigrations", "core", "9999_linter_probe", verbosity=1)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == package or n.startswith(f"{package}.")]:
            del sys.modules[name]


def test_a_not_null_column_without_a_database_default_is_rejected(tmp_path, capsys):
    # Django's default only: the running version inserts rows without the column and fails.
    with pytest.raises(SystemExit) as exit_:
        lint_new_core_migration(tmp_path, "models.IntegerField(default=0)")
    assert exit_.value.code == 1
    assert "NOT NULL" in capsys.readouterr().out


def test_the_same_column_with_a_database_default_passes(tmp_path, capsys):
    lint_new_core_migration(tmp_path, "models.IntegerField(default=0, db_default=0)")
    assert "9999_linter_probe" in capsys.readouterr().out
