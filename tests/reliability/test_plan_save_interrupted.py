"""A plan save cut off by PostgreSQL in the middle leaves nothing half-written.

``save_plan_version`` writes the draft's text and lock_version, replaces its goals, and adds an
audit row and a timeline event, all in one transaction. The test stops a real save, posted to a
running gunicorn, at its very end: it holds the case row ``FOR UPDATE`` on a connection of its own,
so the timeline event's foreign-key check (deferred to COMMIT) waits with everything written. Then
PostgreSQL ends the saving connection: ``pg_terminate_backend`` (in `make test`), or a real restart
of the cluster (in `make reliability`). Read afterwards on a fresh connection, the database holds
the complete state from before the save, never a mix; the next save through the same server
succeeds and writes the complete new state.
"""

from __future__ import annotations

import re
import threading
import time

import psycopg2
import pytest
import requests
from django.conf import settings
from django.db import connections

from borgerforloeb.models import Case, Goal, PlanVersion, TimelineEvent
from borgerforloeb.services.plan import new_plan_version, save_plan_version
from core.models import AuditEvent
from core.roles import Role
from tests.case_factories import make_case
from tests.reliability.servers import login
from tests.reliability.test_postgres_restart import restart_postgresql

PASSWORD = "Planen-gemmes-helt-2026"

BEFORE = {
    "purpose": "Borgeren vil have en stabil bolig",
    "goals": [
        {"text": "Min egen lejlighed", "who_helps": "Tove"},
        {"text": "Se min søster", "who_helps": ""},
    ],
}
AFTER = {
    "purpose": "Bolig, arbejde og familie",
    "efforts": "Bostøtte og mentor",
    "expected_duration": "12 måneder",
    "other_matters": "Tolk ved møder",
    "next_review": "2027-06-01",
    "goals": [
        {"text": "Flytte ind i egen lejlighed", "who_helps": "Bostøtten"},
        {"text": "Et fritidsjob", "who_helps": "Mentor"},
        {"text": "Besøge familien i Nuuk", "who_helps": ""},
    ],
}


TABLES = {
    Case: "borgerforloeb_case",
    PlanVersion: "borgerforloeb_planversion",
    Goal: "borgerforloeb_goal",
    TimelineEvent: "borgerforloeb_timelineevent",
    AuditEvent: "core_auditevent",
}


def test_the_raw_sql_in_this_file_names_the_models_tables():
    assert {model: model._meta.db_table for model in TABLES} == TABLES


def fresh_connection():
    """A new connection of its own to the test database, outside Django."""
    db = settings.DATABASES["default"]
    return psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        host=db["HOST"],
        port=db["PORT"],
    )


def stored_state(version: PlanVersion) -> dict:
    """Everything a plan save writes, read on a fresh connection."""
    with fresh_connection() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT purpose, efforts, expected_duration, other_matters, next_review::text, lock_version "
            "FROM borgerforloeb_planversion WHERE id = %s",
            [version.pk],
        )
        purpose, efforts, duration, other, review, lock = cursor.fetchone()
        cursor.execute(
            'SELECT text, who_helps FROM borgerforloeb_goal WHERE version_id = %s ORDER BY "order", id',
            [version.pk],
        )
        goals = [{"text": text, "who_helps": who} for text, who in cursor.fetchall()]
        cursor.execute(
            "SELECT count(*) FROM core_auditevent "
            "WHERE object_type = 'borgerforloeb.planversion' AND object_id = %s AND action = %s",
            [str(version.pk), AuditEvent.Action.UPDATE],
        )
        (audit_rows,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM borgerforloeb_timelineevent "
            "WHERE object_type = 'borgerforloeb.planversion' AND object_id = %s",
            [str(version.pk)],
        )
        (timeline_rows,) = cursor.fetchone()
    conn.close()
    return {
        "text": {
            "purpose": purpose,
            "efforts": efforts,
            "expected_duration": duration,
            "other_matters": other,
            "next_review": review,
        },
        "lock_version": lock,
        "goals": goals,
        "audit_rows": audit_rows,
        "timeline_rows": timeline_rows,
    }


def saved(state: dict) -> dict:
    """The state after one more complete save of AFTER."""
    return {
        "text": {field: AFTER[field] for field in state["text"]},
        "lock_version": state["lock_version"] + 1,
        "goals": AFTER["goals"],
        "audit_rows": state["audit_rows"] + 1,
        "timeline_rows": state["timeline_rows"] + 1,
    }


def plan_form(lock_version: int, csrf_token: str) -> dict:
    data = {field: AFTER[field] for field in ["purpose", "efforts", "expected_duration", "other_matters"]}
    data.update(
        csrfmiddlewaretoken=csrf_token,
        next_review=AFTER["next_review"],
        lock_version=str(lock_version),
        **{
            "goals-TOTAL_FORMS": str(len(AFTER["goals"])),
            "goals-INITIAL_FORMS": "0",
            "goals-MIN_NUM_FORMS": "0",
            "goals-MAX_NUM_FORMS": "1000",
        },
    )
    for n, goal in enumerate(AFTER["goals"]):
        data[f"goals-{n}-text"] = goal["text"]
        data[f"goals-{n}-who_helps"] = goal["who_helps"]
    return data


def wait_for_backend_blocked_by(cursor, blocker_pid: int, timeout: float = 20.0) -> tuple[int, str]:
    """The pid and current statement of the backend waiting for ``blocker_pid``'s lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cursor.execute(
            "SELECT pid, query FROM pg_stat_activity "
            "WHERE state = 'active' AND %s = ANY(pg_blocking_pids(pid))",
            [blocker_pid],
        )
        row = cursor.fetchone()
        if row:
            return row
        time.sleep(0.05)
    raise AssertionError("the plan save never reached the locked case row")


def terminate(cursor, pid: int) -> None:
    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert cursor.fetchone() == (True,)


def restart(cursor, pid: int) -> None:
    restart_postgresql()


@pytest.mark.parametrize(
    "cut_off",
    [pytest.param(terminate, id="terminate"), pytest.param(restart, id="restart", marks=pytest.mark.slow)],
)
def test_a_plan_save_cut_off_by_postgresql_leaves_no_half_written_rows(
    cut_off, web_server, make_user, municipality, organisation
):
    caseworker = make_user(role=Role.CASEWORKER, organisation=organisation, password=PASSWORD)
    case = make_case(municipality, actor=caseworker)
    draft = new_plan_version(actor=caseworker, case=case)
    draft = save_plan_version(
        actor=caseworker,
        version=draft,
        lock_version=draft.lock_version,
        purpose=BEFORE["purpose"],
        goals=BEFORE["goals"],
    )
    before = stored_state(draft)
    assert before["goals"] == BEFORE["goals"] and before["audit_rows"] == 1

    # One worker thread: the save after the failure runs on the worker whose connection was cut off.
    server = web_server(redis_url="redis://127.0.0.1:1/0", workers=1, threads=1)
    browser = requests.Session()
    assert login(browser, server, caseworker.email, PASSWORD).status_code == 302
    edit_url = server.url(f"/forloeb/{case.pk}/plan/{draft.number}/ret/")
    page = browser.get(edit_url, timeout=10)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    form = plan_form(before["lock_version"], token)

    blocker, monitor = fresh_connection(), fresh_connection()
    monitor.autocommit = True  # each look at pg_stat_activity sees the present, not a snapshot
    responses = []
    post = None
    try:
        with blocker.cursor() as locking, monitor.cursor() as cursor:
            locking.execute("SELECT pg_backend_pid()")
            (blocker_pid,) = locking.fetchone()
            locking.execute("SELECT 1 FROM borgerforloeb_case WHERE id = %s FOR UPDATE", [case.pk])
            post = threading.Thread(
                target=lambda: responses.append(
                    browser.post(edit_url, data=form, timeout=60, allow_redirects=False)
                )
            )
            post.start()
            saver_pid, query = wait_for_backend_blocked_by(cursor, blocker_pid)
            # Stopped at the very end: Django's foreign keys are checked when the transaction
            # commits, so the save waits in COMMIT with all its rows written (or, if each statement
            # committed on its own, in the timeline event's INSERT, after all the others).
            assert query == "COMMIT" or 'INSERT INTO "borgerforloeb_timelineevent"' in query, query
            cut_off(cursor, saver_pid)
    finally:
        for conn in (blocker, monitor):
            try:
                conn.rollback()
                conn.close()
            except psycopg2.Error:
                pass  # the restart ended these connections too
    post.join(timeout=60)
    assert not post.is_alive(), "the interrupted request never returned"
    connections.close_all()  # after a restart this test process's own connection is gone as well

    (interrupted,) = responses
    assert interrupted.status_code == 500, (interrupted.status_code, server.log_text()[-3000:])
    after_failure = stored_state(draft)
    if after_failure != before:
        written = sorted(part for part in before if after_failure[part] != before[part])
        pytest.fail(f"half-written plan save: {written} changed, the rest is as before: {after_failure}")

    # The next save, on the same server and worker, reconnects and writes everything.
    page = browser.get(edit_url, timeout=10)
    assert page.status_code == 200, server.log_text()[-3000:]
    response = browser.post(
        edit_url, data=plan_form(before["lock_version"], token), timeout=30, allow_redirects=False
    )
    assert response.status_code == 302, (response.status_code, server.log_text()[-3000:])
    assert stored_state(draft) == saved(before)
