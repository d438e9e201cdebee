"""Efforts and referrals: the receiving organisation answers; the coordinator sees the answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from borgerforloeb.models import Consent, Effort
from borgerforloeb.services.efforts import answer_referral, save_effort
from core.roles import Role
from tests.case_factories import make_consent, make_org
from tilbud.answers import directory_changed
from tilbud.models import Offer

pytestmark = pytest.mark.django_db

CPR = "070761-4005"
SUMMARY = "Situationsbeskrivelse 4711 om boligen"


@pytest.fixture
def world_options():
    return {"citizen": {"cpr": CPR}, "case": {"summary": SUMMARY}}


@pytest.fixture(autouse=True)
def _receiving_organisation(world, make_user):
    """The organisation that receives the referral, one of its people and its offer."""
    world.receiver = make_org(world.municipality, name="Værestedet Illu")
    world.receiver_user = make_user(
        role=Role.VOLUNTEER, organisation=world.receiver, full_name="Rasmus Modtager"
    )
    world.offer = Offer.objects.create(
        organisation=world.receiver, name="Bostøtte i hverdagen", description="Hjælp."
    )


def _refer(client, w, **extra):
    client.force_login(w.coordinator)
    data = {
        "title": "Bostøtte",
        "description": "Borgeren har brug for hjælp til at holde boligen.",
        "offer": w.offer.pk,
        "responsible": w.coordinator.pk,
        "status": "referred",
    }
    data.update(extra)
    response = client.post(reverse("borgerforloeb:effort_create", args=[w.case.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Effort.objects.get(case=w.case, title=data["title"])


def test_create_effort_with_offer_sets_receiver_and_referral_date(client, world):
    effort = _refer(client, world)
    assert effort.receiving_organisation == world.receiver
    assert effort.referred_at is not None and effort.status == Effort.Status.REFERRED
    assert world.case.timeline.filter(kind="effort").exists()


def test_effort_form_keeps_input_and_requires_reason_to_decline(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("borgerforloeb:effort_create", args=[world.case.pk]),
        {"title": "Misbrugsbehandling", "responsible": world.coordinator.pk, "status": "declined"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Skriv hvorfor indsatsen er afvist." in body and 'value="Misbrugsbehandling"' in body
    assert not Effort.objects.exists()
    field = body.split('id="div_id_decline_reason_kind"')[1].split('id="div_id_decline_reason"')[0]
    assert 'aria-invalid="true"' in field and "Vælg hvorfor indsatsen er afvist." in field
    response = client.post(
        reverse("borgerforloeb:effort_create", args=[world.case.pk]),
        {
            "title": "Misbrugsbehandling",
            "responsible": world.coordinator.pk,
            "status": "declined",
            "decline_reason_kind": "citizen_declined",
            "decline_reason": "Borgeren ønsker det ikke nu",
        },
    )
    assert response.status_code == 302
    effort = Effort.objects.get()
    assert effort.decline_reason_kind == Effort.DeclineKind.CITIZEN_DECLINED
    # Back to proposed: the reason and its kind go.
    save_effort(actor=world.coordinator, case=world.case, effort=effort, status="proposed")
    effort.refresh_from_db()
    assert (effort.decline_reason, effort.decline_reason_kind) == ("", "")


def test_status_change_records_dates(client, world):
    effort = _refer(client, world)
    answer_referral(actor=world.receiver_user, effort=effort, accept=True)
    client.post(
        reverse("borgerforloeb:effort_edit", args=[world.case.pk, effort.pk]),
        {
            "title": "Bostøtte",
            "offer": world.offer.pk,
            "responsible": world.coordinator.pk,
            "status": "started",
        },
    )
    effort.refresh_from_db()
    assert effort.status == Effort.Status.STARTED and effort.start_date is not None


def test_inbound_list_shows_only_consented_information(client, world):
    effort = _refer(client, world)
    client.force_login(world.receiver_user)
    body = client.get(reverse("borgerforloeb:referral_list")).content.decode()
    assert "Bostøtte i hverdagen" in body and "Tove Tovholder" in body
    # No consent covers the receiving organisation: initials only, no CPR, no situation.
    assert "N.R.K." in body
    for secret in ("Naja", "Kleist", CPR, "0707614005", SUMMARY):
        assert secret not in body
    detail = client.get(reverse("borgerforloeb:referral_answer", args=[effort.pk])).content.decode()
    for secret in ("Naja", "Kleist", CPR, SUMMARY, "holde boligen"):
        assert secret not in detail

    # The citizen consents to basic information and the situation for the receiving organisation.
    make_consent(
        world.citizen,
        organisations=[world.receiver],
        information_kinds=[Consent.InformationKind.BASIC, Consent.InformationKind.SITUATION],
    )
    detail = client.get(reverse("borgerforloeb:referral_answer", args=[effort.pk])).content.decode()
    assert "Naja" in detail and SUMMARY in detail
    assert "Kleist" not in detail and CPR not in detail


def test_referral_pages_are_404_for_other_organisations(client, world):
    effort = _refer(client, world)
    for user in (world.volunteer, world.outsider, world.caseworker):
        client.force_login(user)
        assert "Bostøtte" not in client.get(reverse("borgerforloeb:referral_list")).content.decode()
        url = reverse("borgerforloeb:referral_answer", args=[effort.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"answer": "accept"}).status_code == 404
    effort.refresh_from_db()
    assert effort.status == Effort.Status.REFERRED


def test_decline_requires_reason_and_coordinator_sees_answer(client, world):
    effort = _refer(client, world)
    client.force_login(world.receiver_user)
    url = reverse("borgerforloeb:referral_answer", args=[effort.pk])
    response = client.post(url, {"answer": "decline", "reason": "  "})
    assert response.status_code == 200
    assert "Skriv hvorfor henvisningen afvises." in response.content.decode()
    effort.refresh_from_db()
    assert effort.status == Effort.Status.REFERRED

    response = client.post(
        url, {"answer": "decline", "reason_kind": "no_capacity", "reason": "Vi har ventetid på 6 måneder"}
    )
    assert response.status_code == 302
    effort.refresh_from_db()
    assert effort.status == Effort.Status.DECLINED and effort.answered_by == world.receiver_user
    assert effort.decline_reason_kind == Effort.DeclineKind.NO_CAPACITY

    client.force_login(world.coordinator)
    case_page = client.get(world.case.get_absolute_url()).content.decode()
    assert "Afvist" in case_page and "Vi har ventetid på 6 måneder" in case_page
    assert "Ingen ledig kapacitet" in case_page
    assert "Værestedet Illu har afvist henvisningen" in "".join(
        world.case.timeline.values_list("summary", flat=True)
    )


def test_decline_requires_a_kind_of_reason_shown_beside_the_field(client, world):
    effort = _refer(client, world)
    client.force_login(world.receiver_user)
    url = reverse("borgerforloeb:referral_answer", args=[effort.pk])
    response = client.post(url, {"answer": "decline", "reason": "Vi har ventetid på 6 måneder"})
    assert response.status_code == 200
    body = response.content.decode()
    # The error sits with the choice of kind (its own feedback under the select), in Danish.
    field = body.split('id="div_id_reason_kind"')[1].split('id="div_id_reason"')[0]
    assert 'aria-invalid="true"' in field and 'id="id_reason_kind_error"' in field
    assert "Vælg hvorfor henvisningen afvises." in field
    assert "Ingen ledig kapacitet" in body and "Uden for målgruppen" in body
    effort.refresh_from_db()
    assert effort.status == Effort.Status.REFERRED and effort.decline_reason_kind == ""
    # A kind that is not one of the choices is refused too.
    response = client.post(url, {"answer": "decline", "reason_kind": "travlt", "reason": "Travlt"})
    assert response.status_code == 200
    effort.refresh_from_db()
    assert effort.status == Effort.Status.REFERRED


def test_accepting_clears_no_kind_and_the_database_refuses_a_kind_without_decline(world):
    from django.db import IntegrityError, transaction

    effort = Effort.objects.create(
        case=world.case, title="Bostøtte", responsible=world.coordinator, status=Effort.Status.REFERRED
    )
    with pytest.raises(ValidationError) as error, transaction.atomic():
        answer_referral(actor=world.coordinator, effort=effort, accept=False, reason="Ingen plads")
    assert "reason_kind" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Effort.objects.filter(pk=effort.pk).update(decline_reason_kind="other")


def test_accept_referral(client, world):
    effort = _refer(client, world)
    client.force_login(world.receiver_user)
    client.post(reverse("borgerforloeb:referral_answer", args=[effort.pk]), {"answer": "accept"})
    effort.refresh_from_db()
    assert effort.status == Effort.Status.ACCEPTED and effort.answered_at is not None
    client.force_login(world.coordinator)
    body = client.get(reverse("borgerforloeb:effort_list", args=[world.case.pk])).content.decode()
    assert "Accepteret" in body and "Rasmus Modtager" in body


def test_outsider_gets_404_on_effort_pages(client, world):
    effort = _refer(client, world)
    client.force_login(world.outsider)
    for url in (
        reverse("borgerforloeb:effort_list", args=[world.case.pk]),
        reverse("borgerforloeb:effort_create", args=[world.case.pk]),
        reverse("borgerforloeb:effort_edit", args=[world.case.pk, effort.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"title": "x"}).status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add_efforts(w, n):
    for i in range(n):
        save_effort(
            actor=w.coordinator,
            case=w.case,
            title=f"Indsats {i}",
            offer=w.offer,
            responsible=w.coordinator,
            status="referred",
        )


def test_effort_list_and_inbound_list_have_fixed_query_counts(client, world):
    _add_efforts(world, 2)
    client.force_login(world.coordinator)
    list_url = reverse("borgerforloeb:effort_list", args=[world.case.pk])
    directory_changed()  # the suggestions are ranked (not a cached answer) in both counts
    small = _count(client, list_url)
    client.force_login(world.receiver_user)
    inbound_small = _count(client, reverse("borgerforloeb:referral_list"))
    _add_efforts(world, 15)
    client.force_login(world.coordinator)
    directory_changed()
    assert _count(client, list_url) == small
    client.force_login(world.receiver_user)
    assert _count(client, reverse("borgerforloeb:referral_list")) == inbound_small
