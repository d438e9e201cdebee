"""make backup / make restore: a dump restored into a fresh database has the same rows."""

import os
import subprocess
import uuid

import psycopg2
import pytest

from core.roles import Role
from tests.reliability.servers import database_url_for_tests
from tests.services import ROOT

KEY_TABLES = [
    "core_user",
    "samarbejde_organisation",
    "samarbejde_membership",
    "tilbud_offer",
    "core_auditevent",
]


def fingerprint(url: str) -> dict:
    """Row count and an md5 of all rows (ordered) of each key table."""
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        result = {}
        for table in KEY_TABLES:
            checksum = "md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
            cursor.execute(f"SELECT count(*), {checksum} FROM {table} t")  # noqa: S608
            result[table] = cursor.fetchone()
    conn.close()
    return result


def run(script, *args, **env):
    return subprocess.run(
        ["bash", f"scripts/{script}", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def drop_database(url: str, name: str) -> None:
    conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_with_identical_rows(make_user, organisation, tmp_path):
    from core.audit import record
    from tilbud.models import Offer

    for n in range(5):
        user = make_user(role=Role.CASEWORKER, organisation=organisation, full_name=f"Aviâja Ñ {n} <b>")
        record(actor=user, action="update", obj=organisation, changes={"n": n})
    for n in range(7):
        Offer.objects.create(organisation=organisation, name=f"Tilbud {n} – æøå ☃", description="x" * n)

    source = database_url_for_tests()
    backup = run("backup.sh", DATABASE_URL=source, BACKUP_DIR=str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    dump = backup.stdout.strip().splitlines()[-1]
    assert os.path.basename(dump).startswith("portal-") and dump.endswith(".dump")
    assert list(tmp_path.iterdir()) == [tmp_path / os.path.basename(dump)]  # no .partial left

    fresh = f"restore_check_{uuid.uuid4().hex[:10]}"
    target = source.rsplit("/", 1)[0] + "/" + fresh
    try:
        restore = run("restore.sh", dump, DATABASE_URL=source, RESTORE_DATABASE_URL=target)
        assert restore.returncode == 0, restore.stderr
        original, restored = fingerprint(source), fingerprint(target)
        assert original["core_user"][0] == 5 and original["tilbud_offer"][0] == 7
        assert restored == original
        # Restoring again over the restored database (tables replaced) gives the same rows.
        again = run("restore.sh", dump, DATABASE_URL=source, RESTORE_DATABASE_URL=target)
        assert again.returncode == 0, again.stderr
        assert fingerprint(target) == original
    finally:
        drop_database(source, fresh)


def test_restore_refuses_without_a_file_or_with_a_file_that_is_not_a_backup(tmp_path):
    missing = run("restore.sh")
    assert missing.returncode == 2 and "Usage" in missing.stderr
    bogus = tmp_path / "not-a-dump.dump"
    bogus.write_text("DROP TABLE core_user;")
    refused = run("restore.sh", str(bogus), RESTORE_DATABASE_URL="postgres://postgres@127.0.0.1:5432/nowhere")
    assert refused.returncode == 2 and "Not a pg_dump" in refused.stderr
