"""Transfers of a case between municipalities (Aarhus → Odense in the shared world)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from borgerforloeb import reminders
from borgerforloeb.models import (
    CaseTransfer,
    Citizen,
    Consent,
    CoordinatorAssignment,
    Decision,
    Meeting,
    Participant,
    Plan,
    TimelineEvent,
    TransferPart,
)
from borgerforloeb.services.participants import add_participant
from borgerforloeb.services.plan import new_plan_version
from borgerforloeb.services.transfers import (
    accept_transfer,
    decline_transfer,
    inbound_transfers_for,
    start_transfer,
    withdraw_transfer,
)
from core.models import AuditEvent, Notification, NotificationKind
from core.roles import Role
from mit_forloeb import invitations
from tests.case_factories import make_case, make_citizen, make_consent

CPR_DIGITS = "0707614005"
CONSENT = {
    "text_shown": "Jeg giver samtykke til, at Odense Kommune får mit forløb.",
    "given_how": Consent.GivenHow.ORAL_WITNESS,
    "witness": "Karen Vidne",
    "interpreter_name": "",
    "information_kinds": [Consent.InformationKind.HOUSING],
    "language": "da",
    "valid_until": None,
}


def start(world, *, parts=TransferPart.values, consent=CONSENT, **extra):
    return start_transfer(
        actor=world.caseworker,
        case=world.case,
        to_municipality=world.other_municipality,
        move_date=timezone.localdate() + timedelta(days=14),
        parts=list(parts),
        message="Borgeren flytter til sin søster.",
        new_consent=consent,
        **extra,
    )


def case_urls(case):
    return [
        reverse("borgerforloeb:case_detail", kwargs={"pk": case.pk}),
        reverse("borgerforloeb:plan_detail", kwargs={"pk": case.pk}),
        reverse("borgerforloeb:case_consents", kwargs={"pk": case.pk}),
        reverse("borgerforloeb:citizen_detail", kwargs={"pk": case.citizen_id}),
    ]


@pytest.mark.django_db
def test_without_a_consent_covering_the_receiving_municipality_the_transfer_is_refused(world, client):
    with pytest.raises(ValidationError) as refused:
        start(world, consent=None)
    assert "to_municipality" in refused.value.message_dict
    assert not CaseTransfer.objects.exists()

    # The form shows the reason beside the field and keeps what was typed.
    client.force_login(world.caseworker)
    url = reverse("borgerforloeb:transfer_start", kwargs={"pk": world.case.pk})
    response = client.post(
        url,
        {
            "to_municipality": world.other_municipality.pk,
            "move_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
            "parts": TransferPart.values,
            "message": "Flytter i næste uge",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "dækker ikke Odense" in form.errors["to_municipality"][0]
    assert "Flytter i næste uge" in response.content.decode()
    assert not CaseTransfer.objects.exists()


@pytest.mark.django_db
def test_a_consent_recorded_in_the_same_step_covers_the_receiving_municipality(world, client):
    client.force_login(world.coordinator)  # the case's coordinator may start it too
    url = reverse("borgerforloeb:transfer_start", kwargs={"pk": world.case.pk})
    data = {
        "to_municipality": world.other_municipality.pk,
        "move_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "parts": [TransferPart.PLAN],
        "record_consent": "on",
        "consent_information_kinds": [Consent.InformationKind.BASIC],
        "consent_text_shown": "Tekst",
        "consent_language": "da",
        "consent_given_how": Consent.GivenHow.ORAL_WITNESS,
    }
    response = client.post(url, data)  # oral consent without a witness: told beside the field
    assert response.status_code == 200 and "consent_witness" in response.context["form"].errors
    response = client.post(url, {**data, "consent_witness": "Karen Vidne"})
    transfer = CaseTransfer.objects.get()
    assert response.status_code == 302 and response["Location"] == transfer.get_absolute_url()
    assert transfer.status == CaseTransfer.Status.PENDING and transfer.parts == [TransferPart.PLAN]
    assert list(transfer.consent.organisations.all()) == [world.odense]
    assert transfer.consent.given_how == Consent.GivenHow.ORAL_WITNESS and transfer.consent.witness
    assert TimelineEvent.objects.filter(case=world.case, kind=TimelineEvent.Kind.TRANSFER).count() == 1
    assert AuditEvent.objects.filter(case_id=world.case.pk, object_type="borgerforloeb.casetransfer").exists()


@pytest.mark.django_db
def test_one_open_transfer_per_case(world):
    start(world)
    with pytest.raises(ValidationError):
        start(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseTransfer.objects.create(
            case=world.case,
            from_municipality=world.municipality,
            to_municipality=world.other_municipality,
            move_date=timezone.localdate(),
        )


@pytest.mark.django_db
def test_receiver_sees_only_the_summary_before_accepting_and_the_full_case_after(world, client):
    transfer = start(world)
    client.force_login(world.odense_caseworker)
    for url in case_urls(world.case):
        assert client.get(url).status_code == 404, url
    response = client.get(transfer.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    # The consent allows housing only: initials, no name, no situation, never the CPR number.
    assert "N.R.K." in body and "Naja" not in body and world.case.summary not in body
    assert CPR_DIGITS not in body and "070761" not in body
    # The inbound list shows it too, with the same summary.
    listing = client.get(reverse("borgerforloeb:transfer_list")).content.decode()
    assert "N.R.K." in listing and "Naja" not in listing
    assert list(inbound_transfers_for(world.odense_caseworker)) == [transfer]
    assert list(inbound_transfers_for(world.caseworker)) == []
    # CPR: not shown to Odense before acceptance.
    cpr_url = reverse("borgerforloeb:case_show_cpr", kwargs={"pk": world.case.pk})
    assert client.post(cpr_url).status_code == 404

    response = client.post(
        reverse("borgerforloeb:transfer_accept", kwargs={"pk": transfer.pk}),
        {
            "new_coordinator": "",
            "meeting_at": (timezone.localdate() + timedelta(days=3)).isoformat() + "T10:00",
        },
    )
    assert response.status_code == 302 and response["Location"] == world.case.get_absolute_url()
    for url in case_urls(world.case):
        assert client.get(url).status_code == 200, url
    shown = client.post(cpr_url)
    assert shown.status_code == 200 and "070761-4005" in shown.content.decode()


@pytest.mark.django_db
def test_acceptance_moves_citizen_and_case_and_hands_over_the_coordinator(world):
    old_assignment = CoordinatorAssignment.objects.active().get(case=world.case)
    transfer = start(world)
    transfer = accept_transfer(actor=world.odense_caseworker, transfer=transfer)
    world.case.refresh_from_db()
    assert world.case.municipality == world.other_municipality
    assert Citizen.objects.get(pk=world.citizen.pk).municipality == world.other_municipality
    active = CoordinatorAssignment.objects.filter(case=world.case, ended_at__isnull=True)
    assert [a.person for a in active] == [world.odense_caseworker]
    assert active[0].organisation == world.odense
    old_assignment.refresh_from_db()
    assert old_assignment.ended_at is not None  # the history is kept
    assert transfer.status == CaseTransfer.Status.ACCEPTED and transfer.accepted_at >= transfer.started_at
    assert (
        transfer.from_coordinator == world.coordinator and transfer.new_coordinator == world.odense_caseworker
    )
    assert transfer.plan_carried_over is True
    # The joint handover meeting with both coordinators; its .ics reaches the outgoing one.
    meeting = transfer.handover_meeting
    assert set(meeting.participants.all()) == {world.coordinator, world.odense_caseworker}
    assert meeting.starts_at.date() == transfer.move_date
    # Timeline and audit of the move; both coordinators are told (the handover notices).
    assert TimelineEvent.objects.filter(
        case=world.case, kind=TimelineEvent.Kind.TRANSFER, summary__contains="flyttet fra Aarhus til Odense"
    ).exists()
    assert AuditEvent.objects.filter(object_id=str(world.citizen.pk), note="transfer").exists()
    reminders.scan_handovers(case_id=world.case.pk)
    told = set(
        Notification.objects.filter(kind=NotificationKind.HANDOVER).values_list("recipient", flat=True)
    )
    assert told == {world.coordinator.pk, world.odense_caseworker.pk}


@pytest.mark.django_db
def test_the_outgoing_coordinator_downloads_the_invitation_after_losing_the_case(world, client):
    transfer = accept_transfer(actor=world.odense_caseworker, transfer=start(world))
    client.force_login(world.coordinator)
    assert client.get(world.case.get_absolute_url()).status_code == 404
    response = client.get(reverse("borgerforloeb:transfer_ics", kwargs={"pk": transfer.pk}))
    body = response.content.decode()
    assert response.status_code == 200 and "BEGIN:VCALENDAR" in body and "Fælles overdragelsesmøde" in body
    assert CPR_DIGITS not in body and "Kleist" not in body


@pytest.mark.django_db
def test_sending_staff_lose_access_unless_they_stay_on_as_participants_under_the_consent(
    world, client, make_user
):
    # An Aarhus caseworker takes part; a consent covers the Aarhus municipal organisation.
    colleague = make_user(role=Role.CASEWORKER, organisation=world.organisation)
    add_participant(
        actor=world.caseworker,
        case=world.case,
        role=Participant.Role.CASEWORKER,
        user=colleague,
        organisation=world.organisation,
    )
    make_consent(world.citizen, organisations=[world.organisation], actor=world.caseworker)
    transfer = start(world, sender_stays=True)
    accept_transfer(actor=world.odense_caseworker, transfer=transfer)
    url = world.case.get_absolute_url()
    client.force_login(world.caseworker)  # Aarhus caseworker, not a participant
    assert client.get(url).status_code == 404
    client.force_login(colleague)  # a participant covered by the consent
    assert client.get(url).status_code == 200
    client.force_login(world.coordinator)  # the outgoing coordinator stays on as a participant
    assert client.get(url).status_code == 200
    assert Participant.objects.filter(case=world.case, user=world.coordinator, active=True).exists()


@pytest.mark.django_db
def test_sending_staff_not_covered_by_a_consent_are_taken_off_the_case(world, client, make_user):
    colleague = make_user(role=Role.CASEWORKER, organisation=world.organisation)
    add_participant(
        actor=world.caseworker,
        case=world.case,
        role=Participant.Role.CASEWORKER,
        user=colleague,
        organisation=world.organisation,
    )
    accept_transfer(actor=world.odense_caseworker, transfer=start(world))
    assert not Participant.objects.get(case=world.case, user=colleague).active
    for person in (world.caseworker, colleague, world.coordinator):
        client.force_login(person)
        assert client.get(world.case.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_parts_not_handed_over_stay_only_in_the_sending_municipalitys_archive(world, client):
    new_plan_version(actor=world.caseworker, case=world.case)
    Decision.objects.create(
        case=world.case, text="Bolig først i Aarhus", decided_by="Netværket", citizen_involvement="Deltog"
    )
    transfer = start(world, parts=[TransferPart.ATTENTION, TransferPart.NETWORK])
    transfer = accept_transfer(actor=world.odense_caseworker, transfer=transfer)
    assert not Plan.objects.filter(case=world.case).exists()
    assert not Decision.objects.filter(case=world.case).exists()
    assert transfer.plan_carried_over is False
    assert transfer.withheld[TransferPart.DECISIONS][0]["text"] == "Bolig først i Aarhus"
    client.force_login(world.caseworker)
    assert "Bolig først i Aarhus" in client.get(transfer.get_absolute_url()).content.decode()
    client.force_login(world.odense_caseworker)
    assert "Bolig først i Aarhus" not in client.get(transfer.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_declined_and_withdrawn_transfers_change_nothing(world, client):
    coordinator = CoordinatorAssignment.objects.active().get(case=world.case)
    with pytest.raises(ValidationError):
        decline_transfer(actor=world.odense_caseworker, transfer=start(world), reason=" ")
    transfer = CaseTransfer.objects.get()
    client.force_login(world.odense_caseworker)
    response = client.post(
        reverse("borgerforloeb:transfer_decline", kwargs={"pk": transfer.pk}), {"reason": ""}
    )
    assert response.status_code == 200 and "reason" in response.context["decline_form"].errors
    decline_transfer(
        actor=world.odense_caseworker, transfer=transfer, reason="Borgeren flytter ikke alligevel"
    )
    transfer.refresh_from_db()
    assert transfer.status == CaseTransfer.Status.DECLINED and transfer.declined_at is not None
    with pytest.raises(ValidationError, match="allerede afvist"):
        accept_transfer(actor=world.odense_caseworker, transfer=transfer)

    second = start(world)  # a new one may be started once the first is answered
    client.force_login(world.volunteer)  # an outsider cannot withdraw it
    assert (
        client.post(reverse("borgerforloeb:transfer_withdraw", kwargs={"pk": second.pk})).status_code == 404
    )
    client.force_login(world.odense_caseworker)  # the receiver cannot withdraw it either
    assert (
        client.post(reverse("borgerforloeb:transfer_withdraw", kwargs={"pk": second.pk})).status_code == 403
    )
    withdraw_transfer(actor=world.caseworker, transfer=second)
    second.refresh_from_db()
    assert second.status == CaseTransfer.Status.WITHDRAWN and second.withdrawn_at is not None

    world.case.refresh_from_db()
    assert world.case.municipality == world.municipality
    assert Citizen.objects.get(pk=world.citizen.pk).municipality == world.municipality
    assert CoordinatorAssignment.objects.active().get(case=world.case) == coordinator
    assert not Meeting.objects.filter(case=world.case).exists()
    client.force_login(world.odense_caseworker)
    assert client.get(world.case.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_outsiders_cannot_answer_a_transfer(world, client):
    transfer = start(world)
    accept = reverse("borgerforloeb:transfer_accept", kwargs={"pk": transfer.pk})
    client.force_login(world.volunteer)
    assert client.post(accept, {"meeting_at": "2030-01-01T10:00"}).status_code == 404
    client.force_login(world.caseworker)  # the sender sees it but may not accept it
    assert client.post(accept, {"meeting_at": "2030-01-01T10:00"}).status_code == 403
    with pytest.raises(ValidationError):
        accept_transfer(actor=world.caseworker, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.status == CaseTransfer.Status.PENDING


@pytest.mark.django_db
def test_a_withdrawn_consent_stops_the_acceptance(world):
    transfer = start(world)
    transfer.consent.withdrawn_at = timezone.now()
    transfer.consent.save(update_fields=["withdrawn_at"])
    with pytest.raises(ValidationError, match="dækker ikke"):
        accept_transfer(actor=world.odense_caseworker, transfer=transfer)
    world.case.refresh_from_db()
    assert world.case.municipality == world.municipality


def _inbound(world, n):
    for _ in range(n):
        citizen = make_citizen(world.municipality, actor=world.caseworker)
        case = make_case(world.municipality, actor=world.caseworker, citizen=citizen)
        make_consent(citizen, organisations=[world.odense], actor=world.caseworker)
        start_transfer(
            actor=world.caseworker,
            case=case,
            to_municipality=world.other_municipality,
            move_date=timezone.localdate(),
            parts=TransferPart.values,
        )


@pytest.mark.django_db
def test_the_transfer_list_uses_a_fixed_number_of_queries(world, client):
    client.force_login(world.odense_caseworker)
    url = reverse("borgerforloeb:transfer_list")
    _inbound(world, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _inbound(world, 12)
    with CaptureQueriesContext(connection) as big:
        response = client.get(url)
    assert len(response.context["inbound"]) == 14
    assert len(big.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db
def test_the_citizen_is_told_in_mit_forloeb(world, client):
    transfer = accept_transfer(actor=world.odense_caseworker, transfer=start(world))
    issued = invitations.create_invitation(actor=world.odense_caseworker, case=world.case)
    client.post(f"/mit-forloeb/ind/{issued.token}/", {"code": issued.code})
    html = client.get("/mit-forloeb/").content.decode()
    assert "Dit forløb er flyttet fra Aarhus til Odense" in html
    assert "Fælles overdragelsesmøde" in html  # the meeting is among the citizen's meetings
    assert transfer.handover_meeting.interpreter_needed == world.citizen.interpreter_wanted


@pytest.mark.django_db
def test_admin_shows_but_never_changes_a_citizens_or_a_cases_municipality(world, client, make_user):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    for name, obj in (("citizen", world.citizen), ("case", world.case)):
        page = client.get(reverse(f"admin:borgerforloeb_{name}_change", args=[obj.pk]))
        assert page.status_code == 200
        assert "municipality" not in page.context["adminform"].form.fields


@pytest.mark.django_db
def test_an_inbound_transfer_is_on_the_receiving_caseworkers_det_skal_jeg(world, client):
    transfer = start(world)
    client.force_login(world.odense_caseworker)
    body = client.get(reverse("borgerforloeb:my_duties")).content.decode()
    assert transfer.get_absolute_url() in body and "Forløb fra" in body
    assert "Naja" not in body  # the summary rule holds here too: no name the consent does not allow
    client.force_login(world.caseworker)
    assert transfer.get_absolute_url() not in client.get(reverse("borgerforloeb:my_duties")).content.decode()
