"""Concurrency: 20 caseworkers of the receiving municipality accept one transfer at the same moment.

Each runs in its own thread with its own PostgreSQL connection, released together by a barrier,
against the real service (row locks on the transfer, the case and the citizen).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from borgerforloeb.models import CaseTransfer, Citizen, CoordinatorAssignment, Meeting, TransferPart
from borgerforloeb.services.transfers import TransferAlreadyAnswered, accept_transfer, start_transfer
from core.roles import Role
from samarbejde.models import Organisation
from tests.case_factories import make_case, make_consent, make_org
from tests.reliability.test_concurrency import N, _work_goes_to_a_private_broker, run_together  # noqa: F401


@pytest.mark.django_db(transaction=True)
def test_20_parallel_accepts_leave_one_accepted_transfer_and_one_active_coordinator(
    make_user, municipality, other_municipality, organisation
):
    caseworker = make_user(role=Role.CASEWORKER, organisation=organisation)
    odense = make_org(other_municipality, kind=Organisation.Kind.MUNICIPAL, name="Odense Kommune")
    case = make_case(municipality, actor=caseworker, coordinator=caseworker, coordinator_org=organisation)
    make_consent(case.citizen, organisations=[odense], actor=caseworker)
    transfer = start_transfer(
        actor=caseworker,
        case=case,
        to_municipality=other_municipality,
        move_date=timezone.localdate() + timedelta(days=7),
        parts=TransferPart.values,
    )
    receivers = [make_user(role=Role.CASEWORKER, organisation=odense) for _ in range(N)]

    results = run_together(
        [(lambda person=person: accept_transfer(actor=person, transfer=transfer)) for person in receivers]
    )

    winners = [receivers[i] for i, r in enumerate(results) if r[0] == "ok"]
    losers = [r[1] for r in results if r[0] != "ok"]
    assert len(winners) == 1, results
    assert len(losers) == N - 1
    assert all(isinstance(error, TransferAlreadyAnswered) for error in losers), losers
    assert all("allerede modtaget af" in error.messages[0] for error in losers)
    transfer.refresh_from_db()
    assert transfer.status == CaseTransfer.Status.ACCEPTED and transfer.answered_by == winners[0]
    assert CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True).count() == 1
    assert CoordinatorAssignment.objects.active().get(case=case).person == winners[0]
    assert CoordinatorAssignment.objects.filter(case=case).count() == 2
    assert Citizen.objects.get(pk=case.citizen_id).municipality == other_municipality
    assert Meeting.objects.filter(case=case).count() == 1
