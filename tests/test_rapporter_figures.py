"""The report figures against values counted by hand from tests/report_fixture.py, and the
computation's incremental and idempotent runs (the management command and the nightly task)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django_celery_beat.models import PeriodicTask

from borgerforloeb.models import Case, Effort
from rapporter.compute import compute_reports, month_start
from rapporter.models import MonthlyFigures, ReportRun
from rapporter.tasks import compute_reports_nightly
from tests import report_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    return report_fixture.build(world)


def row(municipality, month, target_group="", kind=""):
    return MonthlyFigures.objects.get(
        municipality=municipality, month=month, target_group=target_group, organisation_kind=kind
    )


def test_model_fidelity_at_the_end_of_each_month(world, data):
    compute_reports()
    aarhus = world.municipality
    m2, m1 = row(aarhus, data.m2), row(aarhus, data.m1)
    # End of M2: cases 1–5 open; only case 1 has a coordinator (case 2's ended on day 20).
    assert (m2.open_cases, m2.with_coordinator) == (5, 1)
    # End of M1: case 5 closed, case 6 opened; cases 1 and 3 have coordinators.
    assert (m1.open_cases, m1.with_coordinator) == (5, 2)
    # Case 1's plan accepted in M1, its review (day 20) overdue at the end of M1.
    assert (m2.plan_accepted, m1.plan_accepted, m1.review_overdue) == (0, 1, 1)
    # Case 4's points were assessed on day 6 of M2; case 3 has one not assessed.
    assert (m2.attention_assessed, m1.attention_assessed) == (1, 1)
    # No activity in 90 days: every open case, except case 1 in M1 (an event on day 3).
    assert (m2.inactive_90_days, m1.inactive_90_days) == (5, 4)


def test_events_of_the_month(world, data):
    compute_reports()
    aarhus = world.municipality
    m2, m1 = row(aarhus, data.m2), row(aarhus, data.m1)
    # First coordinators in M2: case 1 after 2 days, case 2 after 10: median 6.
    assert (m2.first_coordinator_cases, m2.first_coordinator_days_median) == (2, 6.0)
    case3_days = (data.m1.replace(day=5) - data.m2.replace(day=5)).days
    assert (m1.first_coordinator_cases, m1.first_coordinator_days_median) == (1, float(case3_days))
    assert (m1.accepted_present, m1.accepted_phone, m1.accepted_interpreter) == (1, 0, 0)
    assert (m1.interpreter_needed, m1.interpreter_booked) == (2, 1)


def test_referrals_by_month_and_organisation_kind(world, data):
    compute_reports()
    aarhus = world.municipality
    every = row(aarhus, data.m1)
    assert (every.referrals_sent, every.referrals_accepted, every.referrals_declined) == (3, 1, 1)
    assert every.referrals_unanswered == 1
    # Answered after 5 and 1 days: median 3.
    assert (every.answers, every.answer_days_median) == (2, 3.0)
    voluntary = row(aarhus, data.m1, kind="frivillig")
    assert (voluntary.referrals_sent, voluntary.referrals_accepted, voluntary.referrals_unanswered) == (
        2,
        1,
        1,
    )
    assert (voluntary.answers, voluntary.answer_days_median) == (1, 5.0)
    private = row(aarhus, data.m1, kind="privat")
    assert (private.referrals_sent, private.referrals_declined, private.answer_days_median) == (1, 1, 1.0)
    assert (private.declined_no_capacity, private.declined_other, voluntary.declined_no_capacity) == (1, 0, 0)
    assert not MonthlyFigures.objects.filter(
        municipality=aarhus, month=data.m2, referrals_sent__gt=0
    ).exists()


def test_target_groups_and_the_whole_country(world, data):
    compute_reports()
    aarhus = world.municipality
    assert row(aarhus, data.m2, "unge").open_cases == 4
    assert row(aarhus, data.m2, "aeldre").open_cases == 1
    assert row(aarhus, data.m1, "aeldre").open_cases == 1  # case 6, case 5 closed
    assert row(world.other_municipality, data.m2).open_cases == 1
    # The country: Aarhus and Odense together; its medians are medians of all cases.
    national = row(None, data.m2)
    assert (national.open_cases, national.with_coordinator) == (6, 1)
    assert row(None, data.m2, "unge").open_cases == 5
    assert national.first_coordinator_days_median == 6.0


def _snapshot():
    return sorted(
        (
            tuple(sorted(model_to_dict(r, exclude=["id", "computed_at"]).items()))
            for r in MonthlyFigures.objects.all()
        ),
        key=repr,
    )


def test_compute_twice_gives_the_same_rows(world, data):
    call_command("compute_reports", "--all", stdout=None)
    first = _snapshot()
    call_command("compute_reports", "--all", stdout=None)
    assert _snapshot() == first
    assert first  # something was computed


def test_nightly_task_is_idempotent_and_incremental(world, data):
    compute_reports_nightly()
    first = _snapshot()
    result = compute_reports_nightly()
    assert _snapshot() == first
    # Nothing changed since: only the current month was recomputed.
    current = month_start(ReportRun.objects.first().started_at.date())
    assert result == {"first_month": current.isoformat(), "months": 1}
    # A change to case 5 (started in M2) recomputes from M2 on, and the figures follow it.
    case5 = Case.objects.get(pk=data.cases[5].pk)
    case5.status, case5.end_date, case5.closed_reason = Case.Status.OPEN, None, ""
    case5.save()
    result = compute_reports_nightly()
    assert result["first_month"] == data.m2.isoformat()
    assert row(world.municipality, data.m1).open_cases == 6


def test_the_nightly_run_is_scheduled():
    task = PeriodicTask.objects.get(task="rapporter.tasks.compute_reports_nightly")
    assert task.enabled and task.crontab.hour == "2"


def test_the_computation_reads_no_cpr_name_or_free_text():
    from rapporter import compute

    forbidden = ["cpr", "full_name", "preferred_name", "summary", "closed_reason", "decline_reason"]
    forbidden += ["description", "minutes", "agenda", "note", "text", "title", "email", "phone", "address"]
    for sql, _fields in compute.CASE_QUERIES + compute.REFERRAL_QUERIES:
        words = set(sql.replace(".", " ").replace(",", " ").replace("(", " ").replace(")", " ").split())
        assert not words & set(forbidden), words & set(forbidden)


def test_transfers_between_municipalities_and_their_duration(world, data):
    compute_reports()
    aarhus, odense = world.municipality, world.other_municipality
    fields = ["transfers_out", "transfers_in", "transfers_out_declined", "transfers_in_declined"]

    def figures(municipality, month, target_group=""):
        r = row(municipality, month, target_group)
        return [getattr(r, f) for f in fields] + [r.transfer_days_median]

    # Aarhus sent two that Odense accepted (after 4 and 10 days) and declined one from Odense;
    # the pending and the withdrawn transfers count nowhere.
    assert figures(aarhus, data.m1) == [2, 0, 0, 1, None]
    assert figures(odense, data.m1) == [0, 2, 1, 0, 7.0]
    # The country: each transfer once, received and sent alike.
    assert figures(None, data.m1) == [2, 2, 1, 1, 7.0]
    # By the citizen's target group: case 5 and 6 are "aeldre", the Odense case "unge".
    assert figures(odense, data.m1, "aeldre") == [0, 2, 0, 0, 7.0]
    assert figures(aarhus, data.m1, "unge") == [0, 0, 0, 1, None]
    assert figures(aarhus, data.m2) == [0, 0, 0, 0, None]


def test_declined_referrals_by_kind_of_reason(world, data):
    case = data.cases[4]
    m1 = data.m1
    for kind in ["other", "other", ""]:
        Effort.objects.create(
            case=case,
            title="Henvisning",
            receiving_organisation=world.voluntary,
            status=Effort.Status.DECLINED,
            decline_reason="Fritekst",
            decline_reason_kind=kind,
            responsible=world.coordinator,
            referred_at=report_fixture.at(m1, 9),
            answered_at=report_fixture.at(m1, 10),
        )
    compute_reports()
    every = row(world.municipality, m1)
    kinds = [getattr(every, f"declined_{k}") for k in Effort.DeclineKind.values]
    # no capacity, outside target group, citizen declined, not reachable, other
    assert kinds == [1, 0, 0, 0, 2]
    # Four declined, one before its kind was recorded (counted only in the total).
    assert every.referrals_declined == 4
    assert row(world.municipality, m1, "unge").declined_other == 2
    assert row(None, m1, kind="frivillig").declined_other == 2


def test_channels_and_framework_documents_past_their_review_date(world, data):
    import datetime

    from django.utils import timezone

    from samarbejde.models import Channel, FrameworkDocument

    today = timezone.localdate()
    yesterday, tomorrow = today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    aarhus, odense = world.municipality, world.other_municipality
    for topic, due in [("Tolk", yesterday), ("Bolig", tomorrow), ("Sundhed", None), ("I dag", today)]:
        Channel.objects.create(
            municipality=aarhus, topic=topic, way="telefon", contact_details="1", review_due=due
        )
    for municipality, title, review in [
        (aarhus, "Overdragelse", yesterday),
        (aarhus, "Modtagelse", tomorrow),
        (odense, "Samarbejdsaftale", yesterday),
    ]:
        FrameworkDocument.objects.create(
            municipality=municipality, kind="plan", title=title, owner=world.coordinator, review_date=review
        )
    compute_reports()
    current = month_start(today)
    fields = [
        "channels",
        "channels_review_overdue",
        "framework_documents",
        "framework_documents_review_overdue",
    ]

    def figures(municipality):
        r = row(municipality, current)
        return [getattr(r, f) for f in fields]

    # Passed: yesterday's; not today's, tomorrow's or one without a review date.
    assert figures(aarhus) == [4, 1, 2, 1]
    assert figures(odense) == [0, 0, 1, 1]
    assert figures(None) == [4, 1, 3, 2]
