"""Citizen cases: invariants, coordinator handover, consent, plan versions, tasks, timeline."""

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from borgerforloeb import signals
from borgerforloeb.models import (
    Case,
    Citizen,
    CoordinatorAssignment,
    Decision,
    Participant,
    PlanAcceptance,
    PlanVersion,
    Task,
    TimelineEvent,
)
from borgerforloeb.services.cases import (
    CoordinatorAlreadyActive,
    assign_coordinator,
    change_case_status,
    hand_over_case,
)
from borgerforloeb.services.citizens import show_cpr
from borgerforloeb.services.consents import withdraw_consent
from borgerforloeb.services.participants import add_participant
from borgerforloeb.services.plan import StaleVersion, accept_plan_version, new_plan_version, save_plan_version
from borgerforloeb.services.tasks import complete_task, create_task
from core.models import AuditEvent
from core.roles import Role
from samarbejde.models import Organisation
from tests.case_factories import make_case, make_citizen, make_consent, make_org


@pytest.fixture
def voluntary(municipality):
    return make_org(municipality, name="Det Grønlandske Hus, Aarhus")


@pytest.fixture
def caseworker(make_user, organisation):
    return make_user(role=Role.CASEWORKER, organisation=organisation, full_name="Sofie Sagsbehandler")


@pytest.fixture
def coordinator(make_user, voluntary):
    return make_user(role=Role.COORDINATOR, organisation=voluntary, full_name="Nuka Tovholder")


# --- Coordinator invariant ----------------------------------------------------------------------


@pytest.mark.django_db
def test_second_active_coordinator_fails_at_the_database(municipality, caseworker, coordinator, voluntary):
    case = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    # Straight to the table, as the admin or any other code path would do it.
    with pytest.raises(IntegrityError), transaction.atomic():
        CoordinatorAssignment.objects.create(case=case, person=caseworker)
    # The service refuses with a message that points to handover.
    with pytest.raises(CoordinatorAlreadyActive) as excinfo:
        assign_coordinator(actor=caseworker, case=case, person=caseworker)
    assert "overdragelse" in excinfo.value.messages[0]
    assert CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_handover_keeps_history_reason_audit_timeline_and_signal(
    municipality, caseworker, coordinator, voluntary, make_user
):
    case = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    second = make_user(role=Role.COORDINATOR, organisation=voluntary, full_name="Pipaluk Anden")
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signals.coordinator_changed.connect(receiver)
    try:
        new = hand_over_case(actor=caseworker, case=case, new_person=second, reason="Nuka går på barsel")
    finally:
        signals.coordinator_changed.disconnect(receiver)

    history = list(CoordinatorAssignment.objects.filter(case=case).order_by("started_at"))
    assert [a.person for a in history] == [coordinator, second]
    assert history[0].ended_at is not None and history[0].ended_at == history[1].started_at
    assert history[1].ended_at is None and history[1].reason == "Nuka går på barsel"
    assert new.organisation == voluntary
    assert received[0]["old_user"] == coordinator and received[0]["new_user"] == second
    assert received[0]["case"].pk == case.pk and received[0]["actor"] == caseworker
    event = TimelineEvent.objects.filter(case=case, kind=TimelineEvent.Kind.COORDINATOR).first()
    assert "Nuka går på barsel" in event.summary and str(second) in event.summary
    assert (
        AuditEvent.objects.filter(case_id=case.pk, object_type="borgerforloeb.coordinatorassignment").count()
        == 3
    )


@pytest.mark.django_db
def test_handover_needs_a_reason_and_a_different_person(municipality, caseworker, coordinator, voluntary):
    case = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    with pytest.raises(ValidationError):
        hand_over_case(actor=caseworker, case=case, new_person=caseworker, reason="  ")
    with pytest.raises(ValidationError):
        hand_over_case(actor=caseworker, case=case, new_person=coordinator, reason="igen")
    assert CoordinatorAssignment.objects.filter(case=case).count() == 1


def _run_in_threads(*targets):
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def wrap(index, target):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", target())
        except Exception as exc:  # noqa: BLE001 - the test inspects what happened
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_handovers_leave_exactly_one_active_coordinator(
    municipality, caseworker, coordinator, voluntary, make_user
):
    case = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    a = make_user(role=Role.COORDINATOR, organisation=voluntary, full_name="Aka")
    b = make_user(role=Role.COORDINATOR, organisation=voluntary, full_name="Bolette")

    results = _run_in_threads(
        lambda: hand_over_case(actor=caseworker, case=case, new_person=a, reason="A overtager"),
        lambda: hand_over_case(actor=caseworker, case=case, new_person=b, reason="B overtager"),
    )
    assert [r[0] for r in results] == ["ok", "ok"], results  # serialised by the row lock
    active = CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True)
    assert active.count() == 1
    history = list(CoordinatorAssignment.objects.filter(case=case).order_by("started_at", "id"))
    assert len(history) == 3 and history[0].person == coordinator
    assert all(h.ended_at is not None for h in history[:2])
    assert history[1].ended_at <= history[2].started_at


@pytest.mark.django_db(transaction=True)
def test_concurrent_raw_inserts_cannot_create_two_active_coordinators(municipality, caseworker, make_user):
    case = make_case(municipality, actor=caseworker)  # no coordinator yet
    a = make_user(role=Role.CASEWORKER, full_name="A")
    b = make_user(role=Role.CASEWORKER, full_name="B")

    def insert(person):
        def go():
            with transaction.atomic():
                row = CoordinatorAssignment.objects.create(case=case, person=person)
                time.sleep(0.3)
                return row

        return go

    results = _run_in_threads(insert(a), insert(b))
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["error", "ok"], results
    assert isinstance([r[1] for r in results if r[0] == "error"][0], IntegrityError)
    assert CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_assignments_one_wins_other_is_told_to_hand_over(
    municipality, caseworker, organisation, make_user
):
    case = make_case(municipality, actor=caseworker)
    a = make_user(role=Role.CASEWORKER, organisation=organisation, full_name="A")
    b = make_user(role=Role.CASEWORKER, organisation=organisation, full_name="B")
    results = _run_in_threads(
        lambda: assign_coordinator(actor=caseworker, case=case, person=a),
        lambda: assign_coordinator(actor=caseworker, case=case, person=b),
    )
    assert sorted(r[0] for r in results) == ["error", "ok"]
    assert isinstance([r[1] for r in results if r[0] == "error"][0], CoordinatorAlreadyActive)
    assert CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True).count() == 1


# --- Visibility and consent ------------------------------------------------------------------------


@pytest.mark.django_db
def test_visibility_rule(
    municipality, other_municipality, organisation, caseworker, coordinator, voluntary, make_user
):
    case = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    other_caseworker = make_user(
        role=Role.CASEWORKER, organisation=make_org(other_municipality, kind=Organisation.Kind.MUNICIPAL)
    )
    other_case = make_case(other_municipality, actor=other_caseworker)
    admin_only = make_user(role=Role.ADMINISTRATOR, organisation=organisation)
    volunteer_same_org = make_user(role=Role.VOLUNTEER, organisation=voluntary)  # not a participant
    superuser = make_user(is_superuser=True, is_staff=True)
    # A caseworker who is only a member of a voluntary org does not get municipal scope.
    caseworker_in_voluntary = make_user(role=Role.CASEWORKER, organisation=voluntary)

    def visible(user):
        return set(Case.objects.visible_to(user).values_list("pk", flat=True))

    assert visible(caseworker) == {case.pk}
    assert visible(other_caseworker) == {other_case.pk}
    assert visible(coordinator) == {case.pk}
    assert visible(admin_only) == set()
    assert visible(volunteer_same_org) == set()
    assert visible(caseworker_in_voluntary) == set()
    assert visible(superuser) == {case.pk, other_case.pk}
    assert visible(AnonymousUser()) == set()
    # Citizens follow their cases.
    assert set(Citizen.objects.visible_to(coordinator)) == {case.citizen}
    assert set(Citizen.objects.visible_to(admin_only)) == set()
    # Administrator who is also caseworker sees the municipality's cases.
    admin_only.groups.add(Group.objects.get(name=Role.CASEWORKER.value))
    admin_only._role_cache = None
    assert visible(admin_only) == {case.pk}


@pytest.mark.django_db
def test_consent_withdrawal_removes_access_at_once(
    municipality, caseworker, coordinator, voluntary, make_user
):
    citizen = make_citizen(municipality, actor=caseworker)
    consent = make_consent(citizen, organisations=[voluntary], actor=caseworker)
    case = make_case(
        municipality,
        actor=caseworker,
        citizen=citizen,
        coordinator=coordinator,
        coordinator_org=voluntary,
        consent_orgs=[],
    )
    volunteer = make_user(role=Role.VOLUNTEER, organisation=voluntary)
    add_participant(actor=coordinator, case=case, user=volunteer, role=Participant.Role.VOLUNTEER)
    assert Case.objects.visible_to(volunteer).filter(pk=case.pk).exists()
    assert Case.objects.visible_to(coordinator).filter(pk=case.pk).exists()

    withdraw_consent(actor=caseworker, consent=consent, note="Borgeren ønsker det ikke længere")

    assert not Case.objects.visible_to(volunteer).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(coordinator).filter(pk=case.pk).exists()
    assert Case.objects.visible_to(caseworker).filter(pk=case.pk).exists()  # municipal scope
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert TimelineEvent.objects.filter(
        case=case, kind=TimelineEvent.Kind.CONSENT, summary__icontains="tilbagekaldt"
    )
    assert AuditEvent.objects.filter(case_id=case.pk, note="withdrawn").exists()


@pytest.mark.django_db
def test_expired_or_future_consent_gives_no_access(municipality, caseworker, voluntary, make_user):
    today = timezone.localdate()
    volunteer = make_user(role=Role.VOLUNTEER, organisation=voluntary)
    case = make_case(municipality, actor=caseworker)
    consent = make_consent(case.citizen, organisations=[voluntary], actor=caseworker)
    add_participant(actor=caseworker, case=case, user=volunteer, role=Participant.Role.VOLUNTEER)
    assert Case.objects.visible_to(volunteer).exists()
    consent.valid_from, consent.valid_until = today - timedelta(days=30), today - timedelta(days=1)
    consent.save()
    assert not Case.objects.visible_to(volunteer).exists()
    consent.valid_from, consent.valid_until = today + timedelta(days=1), None
    consent.save()
    assert not Case.objects.visible_to(volunteer).exists()


@pytest.mark.django_db
def test_consent_for_another_case_of_same_citizen_does_not_count(
    municipality, caseworker, voluntary, make_user
):
    volunteer = make_user(role=Role.VOLUNTEER, organisation=voluntary)
    case = make_case(municipality, actor=caseworker)
    other = make_case(municipality, actor=caseworker, citizen=case.citizen)
    make_consent(case.citizen, organisations=[voluntary], case=other, actor=caseworker)
    with pytest.raises(ValidationError):
        add_participant(actor=caseworker, case=case, user=volunteer, role=Participant.Role.VOLUNTEER)


@pytest.mark.django_db
def test_add_participant_refused_without_consent_with_reason(
    municipality, organisation, caseworker, make_user
):
    case = make_case(municipality, actor=caseworker)
    private = make_org(municipality, kind=Organisation.Kind.PRIVATE, name="Nuna Bosted ApS")
    staff = make_user(role=Role.COORDINATOR, organisation=private)
    with pytest.raises(ValidationError) as excinfo:
        add_participant(
            actor=caseworker, case=case, user=staff, organisation=private, role=Participant.Role.CONTACT
        )
    assert "Nuna Bosted ApS" in excinfo.value.messages[0]
    assert "samtykke" in excinfo.value.messages[0]
    assert not Participant.objects.filter(case=case).exists()
    # Municipal staff of the case's own municipality need no consent.
    colleague = make_user(role=Role.CASEWORKER, organisation=organisation)
    add_participant(
        actor=caseworker,
        case=case,
        user=colleague,
        role=Participant.Role.CASEWORKER,
        responsibility="§ 141-plan",
    )
    # A consent naming the person personally is enough too.
    make_consent(case.citizen, persons=[staff], actor=caseworker)
    participant = add_participant(
        actor=caseworker, case=case, user=staff, organisation=private, role=Participant.Role.CONTACT
    )
    assert participant.active
    # A relative without login only needs a name.
    add_participant(actor=caseworker, case=case, name="Kiista (søster)", role=Participant.Role.RELATIVE)
    assert Participant.objects.filter(case=case).count() == 3


# --- CPR on citizens ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_citizen_cpr_is_stored_as_digits_unique_and_sets_birth_date(municipality, caseworker):
    citizen = make_citizen(municipality, actor=caseworker, cpr="070761-4005")
    assert citizen.cpr == "0707614005" and citizen.cpr_masked == "070761-XXXX"
    assert citizen.date_of_birth.isoformat() == "1961-07-07"
    with pytest.raises(ValidationError) as excinfo:
        make_citizen(municipality, actor=caseworker, cpr="0707614005")
    assert "cpr" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Citizen.objects.create(full_name="X", municipality=municipality, cpr="0707614005")
    # Blank CPRs do not clash.
    make_citizen(municipality, actor=caseworker)
    make_citizen(municipality, actor=caseworker)
    audit_row = AuditEvent.objects.get(object_id=str(citizen.pk), action="create")
    assert "0707614005" not in str(audit_row.changes)


@pytest.mark.django_db
def test_show_cpr_is_audited(municipality, caseworker):
    citizen = make_citizen(municipality, actor=caseworker, cpr="070761-4005")
    assert show_cpr(actor=caseworker, citizen=citizen) == "070761-4005"
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.SHOW_CPR, object_id=str(citizen.pk)).count() == 1
    )


# --- Plan versions ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_plan_versioning_and_acceptance(municipality, caseworker, coordinator, voluntary):
    case = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    v1 = new_plan_version(actor=coordinator, case=case)
    assert v1.number == 1 and v1.status == PlanVersion.Status.DRAFT
    assert v1.next_review >= timezone.localdate() + timedelta(days=180)
    assert new_plan_version(actor=coordinator, case=case) == v1  # one draft at a time
    v1 = save_plan_version(
        actor=coordinator,
        version=v1,
        lock_version=v1.lock_version,
        purpose="Egen bolig",
        goals=[{"text": "Jeg vil have min egen lejlighed", "who_helps": "Nuka"}],
    )
    acceptance = accept_plan_version(
        actor=coordinator,
        version=v1,
        citizen_participation=PlanAcceptance.CitizenParticipation.INTERPRETER,
        participants=[coordinator, caseworker],
        interpreter_name="Tolk Hansen",
    )
    assert acceptance.version_id == v1.pk
    v1.refresh_from_db()
    assert v1.status == PlanVersion.Status.ACCEPTED and v1.accepted_at is not None
    assert set(acceptance.participants.all()) == {coordinator, caseworker}
    with pytest.raises(ValidationError):  # an accepted version is frozen
        save_plan_version(actor=coordinator, version=v1, lock_version=v1.lock_version, purpose="x")

    v2 = new_plan_version(actor=coordinator, case=case)
    assert v2.number == 2 and v2.purpose == "Egen bolig"
    assert [g.text for g in v2.goals.all()] == ["Jeg vil have min egen lejlighed"]
    save_plan_version(actor=coordinator, version=v2, lock_version=v2.lock_version, purpose="Bolig og job")
    accept_plan_version(
        actor=coordinator, version=v2, citizen_participation=PlanAcceptance.CitizenParticipation.PRESENT
    )
    v1.refresh_from_db()
    assert v1.status == PlanVersion.Status.SUPERSEDED and v1.purpose == "Egen bolig"  # still readable
    assert case.plan.current_version.number == 2
    with pytest.raises(ValidationError):
        accept_plan_version(actor=coordinator, version=v2, citizen_participation="unknown")


@pytest.mark.django_db
def test_optimistic_locking_refuses_the_second_save(municipality, caseworker, coordinator, voluntary):
    case = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    draft = new_plan_version(actor=coordinator, case=case)
    loaded_by_first = draft.lock_version
    loaded_by_second = draft.lock_version
    save_plan_version(actor=coordinator, version=draft, lock_version=loaded_by_first, purpose="Første")
    with pytest.raises(StaleVersion) as excinfo:
        save_plan_version(actor=caseworker, version=draft, lock_version=loaded_by_second, purpose="Anden")
    assert "gemt af en anden" in excinfo.value.messages[0]
    draft.refresh_from_db()
    assert draft.purpose == "Første" and draft.lock_version == loaded_by_first + 1


# --- Tasks, timeline, other constraints -----------------------------------------------------------------


@pytest.mark.django_db
def test_tasks_have_one_responsible(municipality, caseworker, coordinator, voluntary):
    case = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    task = create_task(
        actor=caseworker,
        case=case,
        title="Søg bolig",
        responsible=coordinator,
        due_date=timezone.localdate() - timedelta(days=1),
    )
    assert list(Task.objects.filter(case=case).values_list("responsible", flat=True)) == [coordinator.pk]
    assert task.is_overdue and list(Task.objects.overdue()) == [task]
    with pytest.raises(ValidationError):
        create_task(actor=caseworker, case=case, title="Ingen ansvarlig", responsible=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(case=case, title="x", responsible=None)
    done = complete_task(actor=coordinator, task=task)
    assert done.status == Task.Status.DONE and done.completed_at and not done.is_overdue
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(completed_at=None)


@pytest.mark.django_db
def test_decision_requires_citizen_involvement(municipality, caseworker):
    case = make_case(municipality, actor=caseworker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            case=case, text="Bolig søges", decided_by="Netværksmødet", citizen_involvement="  "
        )


@pytest.mark.django_db
def test_timeline_is_in_order(municipality, caseworker, coordinator, voluntary):
    case = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    create_task(actor=caseworker, case=case, title="Ring til Boligselskabet", responsible=coordinator)
    new_plan_version(actor=coordinator, case=case)
    kinds = list(TimelineEvent.objects.filter(case=case).values_list("kind", flat=True))
    # newest first
    assert kinds[:3] == ["plan", "task", "coordinator"]
    assert kinds[-1] == "case"
    ats = list(TimelineEvent.objects.filter(case=case).values_list("at", flat=True))
    assert ats == sorted(ats, reverse=True)


@pytest.mark.django_db
def test_open_case_creates_attention_points_from_template(municipality, caseworker):
    from borgerforloeb.models import AttentionPointTemplate

    AttentionPointTemplate.objects.create(
        municipality=municipality,
        items=[{"key": "language", "label": "Sprog"}, {"key": "housing", "label": "Bolig"}],
    )
    case = make_case(municipality, actor=caseworker)
    assert list(case.attention_points.values_list("key", flat=True)) == ["language", "housing"]
    with pytest.raises(IntegrityError), transaction.atomic():
        AttentionPointTemplate.objects.create(municipality=None)
        AttentionPointTemplate.objects.create(municipality=None)


@pytest.mark.django_db
def test_closing_needs_reason_and_ends_coordinator(municipality, caseworker, coordinator, voluntary):
    case = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    with pytest.raises(ValidationError):
        change_case_status(actor=caseworker, case=case, status=Case.Status.CLOSED)
    change_case_status(actor=caseworker, case=case, status=Case.Status.CLOSED, closed_reason="Flyttet")
    assert not CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(closed_reason="")
