"""Concurrency: 20 parallel handovers of one case, 20 parallel saves of one plan version.

Each of the 20 runs in its own thread with its own PostgreSQL connection, released together by a
barrier, against the real services (row locks, the partial unique constraint, optimistic locking).
"""

import threading

import pytest
from django.db import connection

from borgerforloeb.models import CoordinatorAssignment, PlanVersion, TimelineEvent
from borgerforloeb.services.cases import hand_over_case
from borgerforloeb.services.plan import StaleVersion, new_plan_version, save_plan_version, stale_plan_message
from core.models import AuditEvent
from core.roles import Role
from samarbejde.models import Organisation
from tests.case_factories import make_case

N = 20


def run_together(targets):
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def wrap(index, target):
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", target())
        except Exception as exc:  # noqa: BLE001 - the test inspects what happened
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


@pytest.fixture(autouse=True)
def _work_goes_to_a_private_broker(settings, redis_server):
    """Handovers enqueue the coordinator notices: send them to a Redis no worker reads, so that the
    suite's running worker does not write to the database while the test's teardown truncates it."""
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{redis_server.port}/0"


@pytest.fixture
def voluntary(municipality):
    return Organisation.objects.create(
        name="Foreningen Kalaallit", municipality=municipality, kind=Organisation.Kind.VOLUNTARY
    )


@pytest.mark.django_db(transaction=True)
def test_20_parallel_handovers_leave_one_active_coordinator_and_a_consistent_history(
    make_user, municipality, organisation, voluntary
):
    caseworker = make_user(role=Role.CASEWORKER, organisation=organisation)
    first = make_user(role=Role.COORDINATOR, organisation=voluntary)
    case = make_case(municipality, actor=caseworker, coordinator=first, coordinator_org=voluntary)
    people = [make_user(role=Role.COORDINATOR, organisation=voluntary) for _ in range(N)]
    version_before = case.__class__.objects.get(pk=case.pk).version

    results = run_together(
        [
            (
                lambda person=person: hand_over_case(
                    actor=caseworker, case=case, new_person=person, reason=f"{person} overtager"
                )
            )
            for person in people
        ]
    )

    assert [r[0] for r in results] == ["ok"] * N, [r for r in results if r[0] != "ok"]
    history = list(CoordinatorAssignment.objects.filter(case=case).order_by("started_at", "id"))
    assert len(history) == N + 1
    assert CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True).count() == 1
    assert history[0].person == first and {h.person for h in history[1:]} == set(people)
    # One unbroken chain: each assignment ends exactly when the next begins, only the last is open.
    for previous, following in zip(history, history[1:], strict=False):
        assert previous.ended_at is not None and previous.ended_at == following.started_at
    assert history[-1].ended_at is None
    assert case.__class__.objects.get(pk=case.pk).version == version_before + N
    assert TimelineEvent.objects.filter(case=case, kind=TimelineEvent.Kind.COORDINATOR).count() >= N
    assert AuditEvent.objects.filter(case_id=case.pk, note="handover", action="create").count() == N


@pytest.mark.django_db(transaction=True)
def test_20_parallel_edits_of_one_plan_version_one_wins_the_rest_are_told(
    make_user, municipality, organisation
):
    caseworker = make_user(role=Role.CASEWORKER, organisation=organisation)
    case = make_case(municipality, actor=caseworker)
    draft = new_plan_version(actor=caseworker, case=case)
    loaded = draft.lock_version
    editors = [make_user(role=Role.CASEWORKER, organisation=organisation) for _ in range(N)]

    results = run_together(
        [
            (
                lambda n=n, editor=editor: save_plan_version(
                    actor=editor,
                    version=draft,
                    lock_version=loaded,
                    purpose=f"Formål skrevet af redaktør {n}",
                    goals=[{"text": f"Mål {n}", "who_helps": ""}],
                )
            )
            for n, editor in enumerate(editors)
        ]
    )

    winners = [n for n, r in enumerate(results) if r[0] == "ok"]
    losers = [r[1] for r in results if r[0] != "ok"]
    assert len(winners) == 1, results
    assert len(losers) == N - 1
    assert all(isinstance(exc, StaleVersion) for exc in losers), losers
    assert all(stale_plan_message() in exc.messages for exc in losers)
    saved = PlanVersion.objects.get(pk=draft.pk)
    (winner,) = winners
    assert saved.lock_version == loaded + 1
    assert saved.purpose == f"Formål skrevet af redaktør {winner}"
    assert [g.text for g in saved.goals.all()] == [f"Mål {winner}"]  # no goals of a losing save
    assert AuditEvent.objects.filter(object_type__icontains="planversion", action="update").count() == 1
