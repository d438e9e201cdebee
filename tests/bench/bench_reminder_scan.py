"""Benchmark: the reminder scan over 1,000,000 tasks (a script, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python tests/bench/bench_reminder_scan.py

It creates a database of its own (``<name>_bench_reminders``, dropped afterwards unless
``--keep``), loads 2,000 users (caseworkers of the municipality, so the visibility rule lets their
reminders through), 20,000 open cases with a coordinator and 1,000,000 tasks with due dates spread
over two years (past ones mostly done, future ones mostly open), then runs each scan in a fresh
Python process and reports wall time and that process's peak resident memory:

- ``first``: the catch-up storm (every overdue and due-soon task of a fresh database at once);
- ``repeat``: the steady state every 15 minutes (nothing new: set-based NOT EXISTS finds nothing);
- ``all scans``: ``core.tasks.run_scans`` (every scan kind plus the re-queue sweep), repeated.

The e-mail tasks are not published to the broker here (the bench counts what would be enqueued
after commit), so the numbers are the scan's own database and Python work.
Target: under 10 s and under 300 MB for the scan.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def bench_url(base: str) -> tuple[str, str]:
    parsed = urlparse(base)
    name = parsed.path.lstrip("/") + "_bench_reminders"
    return urlunparse(parsed._replace(path="/" + name)), name


def admin_sql(base: str, sql: str) -> None:
    import psycopg2

    parsed = urlparse(base)
    conn = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def load(tasks: int, users: int, cases: int) -> None:
    django_setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from borgerforloeb.models import Case, Citizen, CoordinatorAssignment
    from core.models import User
    from samarbejde.models import Municipality

    call_command("migrate", verbosity=0)
    t0 = time.monotonic()
    municipality = Municipality.objects.create(name="Benchby", slug="benchby", code="999")
    User.objects.bulk_create(
        [
            User(email=f"bench{i}@example.test", full_name=f"Bruger{i} Efternavn", password="!")
            for i in range(users)
        ],
        batch_size=5000,
    )
    user_ids = list(User.objects.values_list("id", flat=True))
    # Everyone is a caseworker of the municipality, so every reminder passes the visibility rule.
    from django.contrib.auth.models import Group

    from core.roles import Role
    from samarbejde.models import Membership, Organisation

    group, _created = Group.objects.get_or_create(name=Role.CASEWORKER.value)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=pk, group_id=group.pk) for pk in user_ids], batch_size=5000
    )
    org = Organisation.objects.create(
        name="Benchby Kommune", municipality=municipality, kind=Organisation.Kind.MUNICIPAL
    )
    Membership.objects.bulk_create(
        [Membership(user_id=pk, organisation=org) for pk in user_ids], batch_size=5000
    )
    long_ago = timezone.now() - timedelta(days=60)
    citizens = Citizen.objects.bulk_create(
        [Citizen(full_name=f"Borger{i} Efternavn", municipality=municipality) for i in range(cases)],
        batch_size=5000,
    )
    case_rows = Case.objects.bulk_create(
        [Case(citizen=c, municipality=municipality) for c in citizens], batch_size=5000
    )
    CoordinatorAssignment.objects.bulk_create(
        [
            CoordinatorAssignment(case=c, person_id=user_ids[i % len(user_ids)], started_at=long_ago)
            for i, c in enumerate(case_rows)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO borgerforloeb_task (id, case_id, title, description, responsible_id, due_date,
                                            status, completed_at, created_at)
            SELECT gen_random_uuid(),
                   c.ids[1 + (g %% cardinality(c.ids))],
                   'Opgave ' || g, '',
                   u.ids[1 + ((g * 7) %% cardinality(u.ids))],
                   d.due,
                   CASE WHEN d.done THEN 'done' ELSE 'open' END,
                   CASE WHEN d.done THEN now() END,
                   now()
            FROM generate_series(1::bigint, %s) g
            CROSS JOIN (SELECT array_agg(id) ids FROM borgerforloeb_case) c
            CROSS JOIN (SELECT array_agg(id) ids FROM core_user) u
            CROSS JOIN LATERAL (SELECT current_date + ((g * 7919) %% 731 - 365)::int AS due) d0
            CROSS JOIN LATERAL (
                SELECT d0.due,
                       (d0.due < current_date AND g %% 33 <> 0)
                       OR (d0.due >= current_date AND g %% 10 < 3) AS done
            ) d
            """,
            [tasks],
        )
        cur.execute("ANALYZE")
    print(
        json.dumps(
            {
                "loaded": {"users": users, "cases": cases, "tasks": tasks},
                "open_tasks": _count("status = 'open'"),
                "seconds": round(time.monotonic() - t0, 1),
                "at": str(timezone.now()),
            }
        )
    )


def _count(where: str) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM borgerforloeb_task WHERE {where}")  # noqa: S608
        return cur.fetchone()[0]


def run_one(which: str) -> None:
    """Child process: run one scan, print its time, peak RSS and what it created."""
    django_setup()
    from django.db import transaction

    from core.notifications import service

    enqueued = []
    service.enqueue = enqueued.extend  # count, do not publish (see the module docstring)
    import core.tasks
    from borgerforloeb import reminders

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.monotonic()
    if which == "tasks":
        with transaction.atomic():
            created = reminders.scan_tasks()
    else:
        created = core.tasks.run_scans()
    seconds = time.monotonic() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "scan": which,
                "seconds": round(seconds, 2),
                "peak_rss_mb": round(peak / 1024, 1),
                "rss_growth_during_scan_mb": round((peak - rss_before) / 1024, 1),
                "created": created,
                "emails_to_enqueue": len(enqueued),
            },
            default=str,
        )
    )


def child(url: str, *args: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--child", choices=["load", "tasks", "all"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child == "load":
        return load(args.tasks, args.users, args.cases)
    if args.child:
        return run_one(args.child)

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    url, name = bench_url(base)
    admin_sql(base, f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(base, f'CREATE DATABASE "{name}"')
    try:
        report = {
            "database": name,
            "load": child(
                url,
                "--child",
                "load",
                "--tasks",
                str(args.tasks),
                "--users",
                str(args.users),
                "--cases",
                str(args.cases),
            ),
        }
        report["first"] = child(url, "--child", "tasks")
        report["repeat"] = child(url, "--child", "tasks")
        report["all_scans_repeat"] = child(url, "--child", "all")
        target = all(
            r["seconds"] < 10 and r["peak_rss_mb"] < 300 for r in (report["first"], report["repeat"])
        )
        report["target_met"] = target
        print(json.dumps(report, indent=2, default=str))
    finally:
        if not args.keep:
            admin_sql(base, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
