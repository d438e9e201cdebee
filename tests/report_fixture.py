"""A small, hand-countable set of cases for the report tests (tests/test_rapporter_*.py).

All in the two months before the current one (``M2`` = two months ago, ``M1`` = last month), in
Aarhus unless said otherwise, made directly with the ORM so every date is exact:

- cases 1–4: target group "unge"; 5–6: "aeldre". Cases 1–5 start on day 5 of M2, case 6 on
  day 5 of M1. Case 5 is closed on day 10 of M1. Odense has one case from day 5 of M2.
- coordinators: case 1 from day 7 of M2 (2 days); case 2 from day 15 to day 20 of M2
  (10 days); case 3 from day 5 of M1.
- case 1: a timeline event on day 3 of M1; its plan accepted with the citizen present on day 2
  of M1, review due day 20 of M1; a meeting in M1 with an interpreter needed and booked.
  case 2: a meeting in M1 with an interpreter needed, not booked.
- case 4: two attention points assessed on day 6 of M2; case 3: one not assessed.
- referrals in M1: case 1 → voluntary, accepted after 5 days; case 2 → private, declined
  after 1 day (no capacity); case 3 → voluntary, unanswered.
- transfers answered in M1: Aarhus → Odense accepted after 4 days (case 5, started day 2, accepted
  day 6) and after 10 days (case 6, started day 3, accepted day 13); Odense → Aarhus declined on
  day 2 (the Odense case). Not answered, so not counted: one pending and one withdrawn Aarhus →
  Odense (case 4). M2 has no transfers.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.utils import timezone

from borgerforloeb.models import (
    AttentionPoint,
    Case,
    CaseTransfer,
    Citizen,
    CoordinatorAssignment,
    Effort,
    Meeting,
    Plan,
    PlanAcceptance,
    PlanVersion,
    TimelineEvent,
)
from samarbejde.models import Organisation
from tests.case_factories import make_org


def months_ago(n: int) -> datetime.date:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)


def at(month: datetime.date, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(month.year, month.month, day, 12, 0))


def build(world) -> SimpleNamespace:
    m2, m1 = months_ago(2), months_ago(1)
    aarhus, odense = world.municipality, world.other_municipality
    person = world.coordinator
    cases = {}
    for number in range(1, 7):
        citizen = Citizen.objects.create(
            full_name=f"Rapportborger {number}",
            municipality=aarhus,
            target_groups=["unge"] if number <= 4 else ["aeldre"],
        )
        cases[number] = Case.objects.create(
            citizen=citizen, municipality=aarhus, start_date=(m2 if number <= 5 else m1).replace(day=5)
        )
    Case.objects.filter(pk=cases[5].pk).update(
        status="closed", closed_reason="Flyttet", end_date=m1.replace(day=10)
    )
    odense_citizen = Citizen.objects.create(
        full_name="Odenseborger", municipality=odense, target_groups=["unge"]
    )
    odense_case = Case.objects.create(
        citizen=odense_citizen, municipality=odense, start_date=m2.replace(day=5)
    )

    CoordinatorAssignment.objects.create(case=cases[1], person=person, started_at=at(m2, 7))
    CoordinatorAssignment.objects.create(
        case=cases[2], person=person, started_at=at(m2, 15), ended_at=at(m2, 20)
    )
    CoordinatorAssignment.objects.create(case=cases[3], person=person, started_at=at(m1, 5))
    TimelineEvent.objects.create(case=cases[1], at=at(m1, 3), kind="note", summary="Notat")

    version = PlanVersion.objects.create(
        plan=Plan.objects.create(case=cases[1]),
        number=1,
        status=PlanVersion.Status.ACCEPTED,
        accepted_at=at(m1, 2),
        next_review=m1.replace(day=20),
    )
    PlanAcceptance.objects.create(version=version, accepted_at=at(m1, 2), citizen_participation="present")
    Meeting.objects.create(
        case=cases[1], starts_at=at(m1, 12), interpreter_needed=True, interpreter_booked=True
    )
    Meeting.objects.create(case=cases[2], starts_at=at(m1, 13), interpreter_needed=True)

    for key in ("language", "housing"):
        AttentionPoint.objects.create(case=cases[4], key=key, label=key, status="ok")
    AttentionPoint.objects.filter(case=cases[4]).update(updated_at=at(m2, 6))
    AttentionPoint.objects.create(case=cases[3], key="language", label="Sprog")

    private = make_org(aarhus, kind=Organisation.Kind.PRIVATE, name="Privat Bosted")
    referrals = [
        (cases[1], world.voluntary, Effort.Status.ACCEPTED, at(m1, 3), at(m1, 8)),
        (cases[2], private, Effort.Status.DECLINED, at(m1, 4), at(m1, 5)),
        (cases[3], world.voluntary, Effort.Status.REFERRED, at(m1, 6), None),
    ]
    for case, receiver, status, referred_at, answered_at in referrals:
        Effort.objects.create(
            case=case,
            title="Henvisning",
            receiving_organisation=receiver,
            status=status,
            decline_reason="Ingen plads" if status == Effort.Status.DECLINED else "",
            decline_reason_kind="no_capacity" if status == Effort.Status.DECLINED else "",
            responsible=person,
            referred_at=referred_at,
            answered_at=answered_at,
        )

    transfers = [
        (cases[5], aarhus, odense, "accepted", {"started_at": at(m1, 2), "accepted_at": at(m1, 6)}),
        (cases[6], aarhus, odense, "accepted", {"started_at": at(m1, 3), "accepted_at": at(m1, 13)}),
        (odense_case, odense, aarhus, "declined", {"started_at": at(m1, 1), "declined_at": at(m1, 2)}),
        (cases[4], aarhus, odense, "withdrawn", {"started_at": at(m1, 1), "withdrawn_at": at(m1, 3)}),
        (cases[4], aarhus, odense, "pending", {"started_at": at(m1, 4)}),
    ]
    for case, source, target, status, dates in transfers:
        CaseTransfer.objects.create(
            case=case,
            from_municipality=source,
            to_municipality=target,
            move_date=m1.replace(day=20),
            status=status,
            decline_reason="Ikke bosat her" if status == "declined" else "",
            **dates,
        )
    return SimpleNamespace(m2=m2, m1=m1, cases=cases, private=private)
