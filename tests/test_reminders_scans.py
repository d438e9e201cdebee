"""Each reminder scan reaches exactly the right people, once, and catches up after downtime.
E-mails never carry a CPR number or the citizen's surname (asserted on the rendered messages)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from borgerforloeb import reminders
from borgerforloeb.services.cases import assign_coordinator, hand_over_case
from core.models import Notification, NotificationKind
from core.notifications import deliver_email
from core.roles import Role
from tests.test_reminders_common import (
    CITIZEN_SURNAMES,
    CPR_RE,
    all_mail_text,
    involve,
    make_case,
    make_task,
)

K = NotificationKind
S = Notification.EmailStatus
pytestmark = pytest.mark.django_db


def sent_to(kind=None):
    qs = Notification.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return sorted(qs.values_list("recipient__email", flat=True))


def deliver_queued():
    for pk in Notification.objects.filter(email_status=S.QUEUED).values_list("pk", flat=True):
        deliver_email(pk)


@pytest.fixture
def people(make_user, organisation):
    return {
        "coordinator": make_user(
            role=Role.COORDINATOR, organisation=organisation, email="tovholder@example.test"
        ),
        "responsible": make_user(
            role=Role.CASEWORKER, organisation=organisation, email="ansvarlig@example.test"
        ),
        "participant": make_user(role=Role.VOLUNTEER, email="deltager@example.test"),
        "outsider": make_user(role=Role.CASEWORKER, organisation=organisation, email="udenfor@example.test"),
    }


@pytest.fixture
def case(people, municipality):
    return make_case(municipality=municipality, coordinator=people["coordinator"])


def test_task_due_soon_reaches_only_the_responsible(case, people):
    today = timezone.localdate()
    make_task(case, responsible=people["responsible"], due=today + timedelta(days=2))
    make_task(case, responsible=people["participant"], due=today + timedelta(days=20))  # not yet
    make_task(case, responsible=people["outsider"], due=today + timedelta(days=1), status="done")
    assert reminders.scan_tasks(today=today) == 1
    assert sent_to() == ["ansvarlig@example.test"]
    assert Notification.objects.get().kind == K.TASK_DUE_SOON


def test_task_overdue_reaches_responsible_and_coordinator_copied(case, people, municipality):
    today = timezone.localdate()
    task = make_task(case, responsible=people["responsible"], due=today - timedelta(days=1))
    own_case = make_case(municipality=municipality, coordinator=people["coordinator"], cpr="0202902345")
    make_task(own_case, responsible=people["coordinator"], due=today - timedelta(days=3))
    assert reminders.scan_tasks(today=today) == 3
    assert sent_to(K.TASK_OVERDUE) == sorted(["ansvarlig@example.test"] + ["tovholder@example.test"] * 2)
    copy = Notification.objects.get(recipient=people["coordinator"], event_key=f"task:{task.pk}")
    assert "tovholder" in copy.body


def test_task_on_closed_case_reminds_nobody(case, people):
    today = timezone.localdate()
    make_task(case, responsible=people["responsible"], due=today - timedelta(days=1))
    type(case).objects.filter(pk=case.pk).update(status="closed", closed_reason="Afsluttet")
    assert reminders.scan_tasks(today=today) == 0


def test_scanning_twice_sends_nothing_twice(case, people, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    make_task(case, responsible=people["responsible"], due=today - timedelta(days=1))
    make_task(case, responsible=people["responsible"], due=today + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=False) as first:
        reminders.scan_all()
    deliver_queued()
    with django_capture_on_commit_callbacks(execute=False) as second:
        result = reminders.scan_all()
    deliver_queued()
    assert len(first) >= 1 and second == []
    assert all(count == 0 for count in result.values())
    assert len(mail.outbox) == 3  # due soon + overdue (responsible) + overdue copy (coordinator)


def test_catch_up_after_downtime_sends_what_became_due_once(case, people):
    today = timezone.localdate()
    make_task(case, responsible=people["responsible"], due=today + timedelta(days=10))
    assert reminders.scan_tasks(today=today) == 0
    # No scan ran for 12 days (worker or beat down): the next one sends the overdue reminder.
    later = today + timedelta(days=12)
    assert reminders.scan_tasks(today=later) == 2
    assert reminders.scan_tasks(today=later + timedelta(days=1)) == 0
    assert sent_to() == ["ansvarlig@example.test", "tovholder@example.test"]


def test_meeting_tomorrow_reaches_participants_with_interpreter_status(case, people):
    from borgerforloeb.models import Meeting

    tz = timezone.get_current_timezone()
    now = timezone.make_aware(datetime.combine(timezone.localdate(), time(12, 0)), tz)
    tomorrow_10 = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), time(10, 0)), tz)
    meeting = Meeting.objects.create(
        case=case,
        title="Netværksmøde",
        starts_at=tomorrow_10,
        interpreter_needed=True,
        interpreter_language="kalaallisut",
    )
    meeting.participants.set([people["participant"], people["responsible"]])
    involve(case, people["participant"])
    later = Meeting.objects.create(case=case, title="Senere", starts_at=tomorrow_10 + timedelta(days=3))
    later.participants.set([people["outsider"]])
    past = Meeting.objects.create(case=case, title="Før", starts_at=now - timedelta(hours=2))
    past.participants.set([people["outsider"]])

    assert reminders.scan_meetings(now=now) == 2
    assert reminders.scan_meetings(now=now + timedelta(hours=3)) == 0
    assert sent_to() == ["ansvarlig@example.test", "deltager@example.test"]
    body = Notification.objects.first().body
    assert "IKKE bestilt" in body and "kalaallisut" in body and "10:00" in body


def test_new_coordinator_and_handover(people, municipality, make_user):
    from borgerforloeb.models import CoordinatorAssignment

    case = make_case(municipality=municipality)
    involve(case, people["coordinator"], participant=False)
    first = CoordinatorAssignment.objects.create(case=case, person=people["coordinator"])
    assert reminders.scan_handovers() == 1
    assert sent_to(K.COORDINATOR_ASSIGNED) == ["tovholder@example.test"]

    successor = make_user(role=Role.COORDINATOR, email="ny-tovholder@example.test")
    involve(case, successor, participant=False)
    CoordinatorAssignment.objects.filter(pk=first.pk).update(ended_at=timezone.now())
    CoordinatorAssignment.objects.create(case=case, person=successor)
    assert reminders.scan_handovers() == 2
    assert reminders.scan_handovers() == 0
    assert sent_to(K.HANDOVER) == ["ny-tovholder@example.test", "tovholder@example.test"]
    assert "participant" not in str(sent_to())
    incoming = Notification.objects.get(kind=K.HANDOVER, recipient=successor)
    assert "overdraget til dig" in incoming.subject


def test_coordinator_changed_signal_notifies_after_commit(
    people, municipality, django_capture_on_commit_callbacks, eager_celery
):
    from borgerforloeb.models import Case, CoordinatorAssignment
    from borgerforloeb.signals import coordinator_changed

    case = make_case(municipality=municipality)
    involve(case, people["coordinator"], participant=False)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = CoordinatorAssignment.objects.create(case=case, person=people["coordinator"])
        coordinator_changed.send(
            sender=Case,
            case=case,
            old_user=None,
            new_user=people["coordinator"],
            actor=None,
            assignment=assignment,
        )
        assert not Notification.objects.exists()  # nothing before commit
    assert sent_to(K.COORDINATOR_ASSIGNED) == ["tovholder@example.test"]


def test_plan_review_due_reaches_the_coordinator(case, people, municipality):
    from borgerforloeb.models import Plan, PlanVersion

    today = timezone.localdate()
    plan = Plan.objects.create(case=case)
    PlanVersion.objects.create(
        plan=plan,
        number=1,
        status="accepted",
        accepted_at=timezone.now(),
        next_review=today + timedelta(days=3),
    )
    other = make_case(municipality=municipality, coordinator=people["outsider"], cpr="0303903456")
    PlanVersion.objects.create(
        plan=Plan.objects.create(case=other),
        number=1,
        status="accepted",
        accepted_at=timezone.now(),
        next_review=today + timedelta(days=90),
    )
    assert reminders.scan_plan_reviews(today=today) == 1
    assert sent_to() == ["tovholder@example.test"]


def test_inactive_case_reaches_the_coordinator(case, people, municipality):
    from borgerforloeb.models import TimelineEvent

    old = timezone.now() - timedelta(days=45)
    TimelineEvent.objects.filter(case=case).update(at=old)
    active = make_case(municipality=municipality, coordinator=people["outsider"], cpr="0404904567")
    TimelineEvent.objects.create(case=active, kind="note", summary="Ringede", at=timezone.now())
    assert reminders.scan_inactive_cases() == 1
    assert reminders.scan_inactive_cases() == 0
    assert sent_to() == ["tovholder@example.test"]
    # New activity and another quiet month: a new reminder.
    TimelineEvent.objects.create(case=case, kind="note", summary="Møde", at=old + timedelta(days=10))
    assert reminders.scan_inactive_cases() == 1


def test_consent_expiring_reaches_the_coordinator(case, people, municipality):
    from borgerforloeb.models import Consent

    today = timezone.localdate()
    Consent.objects.create(
        citizen=case.citizen,
        case=case,
        given_how="signed",
        text_shown="x",
        valid_until=today + timedelta(days=10),
    )
    Consent.objects.create(
        citizen=case.citizen,
        case=case,
        given_how="signed",
        text_shown="x",
        valid_until=today + timedelta(days=5),
        withdrawn_at=timezone.now(),
    )
    other = make_case(municipality=municipality, coordinator=people["outsider"], cpr="0505905678")
    Consent.objects.create(
        citizen=other.citizen,
        case=other,
        given_how="signed",
        text_shown="x",
        valid_until=today + timedelta(days=60),
    )
    assert reminders.scan_consents(today=today) == 1
    assert reminders.scan_consents(today=today) == 0
    assert sent_to() == ["tovholder@example.test"]


def test_offer_unverified_reaches_the_organisation_members(make_user, organisation, other_municipality):
    from samarbejde.models import Organisation
    from tilbud import reminders as offer_reminders
    from tilbud.models import Offer

    member = make_user(organisation=organisation, email="medlem@example.test")
    elsewhere = Organisation.objects.create(
        name="Andet sted", municipality=other_municipality, kind="frivillig"
    )
    make_user(organisation=elsewhere, email="andet@example.test")
    today = timezone.localdate()
    Offer.objects.create(
        organisation=organisation, name="Værestedet", assured_date=today - timedelta(days=200)
    )
    Offer.objects.create(organisation=elsewhere, name="Friskt", assured_date=today - timedelta(days=10))
    assert offer_reminders.scan_offers(today=today) == 1
    assert offer_reminders.scan_offers(today=today) == 0
    assert sent_to() == [member.email]
    assert "Værestedet" in Notification.objects.get().subject


def test_emails_carry_no_cpr_and_no_citizen_surname(case, people, django_capture_on_commit_callbacks):
    from borgerforloeb.models import Consent, Meeting, Plan, PlanVersion, TimelineEvent
    from core.tasks import run_scans

    today = timezone.localdate()
    make_task(
        case, responsible=people["responsible"], due=today - timedelta(days=2), title="Ring 010190-1234 op"
    )
    make_task(case, responsible=people["responsible"], due=today + timedelta(days=1))
    meeting = Meeting.objects.create(case=case, starts_at=timezone.now() + timedelta(hours=20))
    meeting.participants.set([people["participant"]])
    involve(case, people["participant"])
    PlanVersion.objects.create(
        plan=Plan.objects.create(case=case),
        number=1,
        status="accepted",
        accepted_at=timezone.now(),
        next_review=today,
    )
    Consent.objects.create(
        citizen=case.citizen,
        case=case,
        given_how="signed",
        text_shown="x",
        valid_until=today + timedelta(days=3),
    )
    TimelineEvent.objects.filter(case=case).update(at=timezone.now() - timedelta(days=90))
    with django_capture_on_commit_callbacks(execute=False):
        run_scans()
    deliver_queued()
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {K.TASK_OVERDUE, K.TASK_DUE_SOON, K.MEETING_TOMORROW, K.PLAN_REVIEW_DUE, K.CASE_INACTIVE} <= kinds
    assert K.CONSENT_EXPIRING in kinds
    assert len(mail.outbox) >= 7
    text = all_mail_text(mail.outbox)
    assert "Aviaja" in text  # the first name is there to act on
    for surname in CITIZEN_SURNAMES:
        assert surname not in text
    assert not CPR_RE.search(text)
    assert "0101901234" not in text and "1234" not in text


def test_assign_and_hand_over_services_notify_old_and_new_after_commit(
    people, municipality, organisation, make_user, django_capture_on_commit_callbacks, eager_celery
):

    case = make_case(municipality=municipality)
    with django_capture_on_commit_callbacks(execute=True):
        assign_coordinator(actor=people["outsider"], case=case, person=people["coordinator"])
    assert sent_to() == ["tovholder@example.test"]

    successor = make_user(role=Role.COORDINATOR, organisation=organisation, email="ny-tovholder@example.test")
    involve(case, people["coordinator"], successor, participant=False)
    with django_capture_on_commit_callbacks(execute=True):
        hand_over_case(actor=people["outsider"], case=case, new_person=successor, reason="Orlov")
    assert sent_to(K.HANDOVER) == ["ny-tovholder@example.test", "tovholder@example.test"]
    assert reminders.scan_handovers() == 0  # the periodic scan finds nothing left to send
