"""Citizen sign-in by invitation: a one-time link that expires after 72 hours plus a 6-digit code
given in person; wrong codes lock the invitation; every problem gets a plain Danish message and
a way to ask for a new link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from borgerforloeb.models import CitizenInvitation, CitizenMessage, TimelineEvent
from core.models import AuditEvent
from core.roles import Role
from mit_forloeb import invitations
from tests.case_factories import make_case, make_citizen, make_org


@pytest.fixture
def coordinator(make_user, organisation):
    return make_user(role=Role.COORDINATOR, organisation=organisation, full_name="Tove Holder")


@pytest.fixture
def case(municipality, organisation, coordinator):
    citizen = make_citizen(municipality, full_name="Aputsiaq Olsen", email="aputsiaq@example.dk")
    return make_case(municipality, citizen=citizen, coordinator=coordinator, coordinator_org=organisation)


def link(token):
    return f"/mit-forloeb/ind/{token}/"


@pytest.mark.django_db
def test_coordinator_creates_an_invitation_from_the_case(client, case, coordinator, mailoutbox):
    client.force_login(coordinator)
    page = client.get(f"/mit-forloeb/invitation/{case.pk}/")
    assert page.status_code == 200
    assert "Send link og vis kode" in page.content.decode()

    response = client.post(f"/mit-forloeb/invitation/{case.pk}/")
    html = response.content.decode()
    invitation = CitizenInvitation.objects.get(case=case)
    code = response.context["code"]
    # The link went to the citizen's e-mail; the staff member sees only the code.
    [mail] = mailoutbox
    assert mail.to == ["aputsiaq@example.dk"]
    token = mail.body.split("/mit-forloeb/ind/", 1)[1].split("/", 1)[0]
    assert f"http://testserver/mit-forloeb/ind/{token}/" in mail.body
    assert len(code) == 6 and code.isdigit()
    assert code in html and code not in mail.body
    assert token not in html and "/mit-forloeb/ind/" not in html
    assert "Aputsiaq" not in mail.body and "Olsen" not in mail.body  # no name, no case details
    # Only hashes are stored.
    assert invitation.token_hash == invitations.hash_token(token) and token not in invitation.token_hash
    assert check_password(code, invitation.code_hash) and code not in invitation.code_hash
    assert invitation.expires_at - invitation.created_at == timedelta(hours=72)
    assert AuditEvent.objects.filter(
        object_id=str(invitation.pk), action="create", actor=coordinator
    ).exists()
    assert TimelineEvent.objects.filter(case=case, summary__contains="inviteret til Mit forløb").exists()


@pytest.mark.django_db
def test_others_cannot_invite(client, case, municipality, make_user, other_municipality):
    # A coordinator of another case / municipality does not see the case: not found.
    stranger_org = make_org(other_municipality)
    stranger = make_user(role=Role.COORDINATOR, organisation=stranger_org)
    client.force_login(stranger)
    assert client.get(f"/mit-forloeb/invitation/{case.pk}/").status_code == 404
    assert client.post(f"/mit-forloeb/invitation/{case.pk}/").status_code == 404
    assert not CitizenInvitation.objects.exists()
    client.logout()
    assert client.post(f"/mit-forloeb/invitation/{case.pk}/").status_code == 302  # to login


@pytest.mark.django_db
def test_link_and_code_sign_the_citizen_in_once(client, case, coordinator):
    issued = invitations.create_invitation(actor=coordinator, case=case)
    page = client.get(link(issued.token))
    assert page.status_code == 200
    assert "Skriv den kode på 6 tal" in page.content.decode()

    response = client.post(link(issued.token), {"code": issued.code})
    assert response["Location"] == "/mit-forloeb/"
    assert client.session[invitations.CITIZEN_SESSION_KEY] == str(case.citizen_id)
    assert "_auth_user_id" not in client.session
    assert client.get("/mit-forloeb/").status_code == 200

    # Reused link: a plain message and a way to ask for a new one.
    other = client.__class__()
    for response in (other.get(link(issued.token)), other.post(link(issued.token), {"code": issued.code})):
        assert response.status_code == 410
        html = response.content.decode()
        assert "Linket er allerede brugt" in html
        assert "Bed om et nyt link" in html
    assert invitations.CITIZEN_SESSION_KEY not in other.session


@pytest.mark.django_db
def test_expired_link_is_refused_with_a_plain_message(client, case, coordinator):
    issued = invitations.create_invitation(
        actor=coordinator, case=case, now=timezone.now() - timedelta(hours=73)
    )
    response = client.get(link(issued.token))
    assert response.status_code == 410
    assert "Linket er for gammelt" in response.content.decode()
    response = client.post(link(issued.token), {"code": issued.code})
    assert response.status_code == 410
    assert invitations.CITIZEN_SESSION_KEY not in client.session


@pytest.mark.django_db
def test_wrong_codes_lock_the_invitation(client, case, coordinator):
    issued = invitations.create_invitation(actor=coordinator, case=case)
    wrong = "000000" if issued.code != "000000" else "111111"
    for attempt in range(1, 5):
        response = client.post(link(issued.token), {"code": wrong})
        assert response.status_code == 200
        assert f"Koden passer ikke. Du kan prøve {5 - attempt} gange mere." in response.content.decode()
    response = client.post(link(issued.token), {"code": wrong})
    assert response.status_code == 410
    assert "forkert kode for mange gange" in response.content.decode()
    invitation = CitizenInvitation.objects.get(pk=issued.invitation.pk)
    assert invitation.failed_attempts == 5 and invitation.locked_at is not None

    # Even the right code no longer works.
    response = client.post(link(issued.token), {"code": issued.code})
    assert response.status_code == 410
    assert invitations.CITIZEN_SESSION_KEY not in client.session


@pytest.mark.django_db
def test_malformed_code_is_explained_and_not_counted(client, case, coordinator):
    issued = invitations.create_invitation(actor=coordinator, case=case)
    response = client.post(link(issued.token), {"code": "12ab"})
    assert "Koden er 6 tal." in response.content.decode()
    assert CitizenInvitation.objects.get(pk=issued.invitation.pk).failed_attempts == 0


@pytest.mark.django_db
def test_asking_for_a_new_link_tells_the_coordinator_once(client, case, coordinator):
    issued = invitations.create_invitation(
        actor=coordinator, case=case, now=timezone.now() - timedelta(days=4)
    )
    for _ in range(2):
        response = client.post(f"/mit-forloeb/ind/{issued.token}/nyt-link/")
        assert response.status_code == 200
        assert "Din tovholder har fået besked" in response.content.decode()
    assert CitizenMessage.objects.filter(case=case, kind=CitizenMessage.Kind.NEW_LINK).count() == 1
    assert TimelineEvent.objects.filter(case=case, summary__contains="nyt link").exists()


@pytest.mark.django_db
def test_a_new_invitation_replaces_the_old_one(client, case, coordinator):
    first = invitations.create_invitation(actor=coordinator, case=case)
    second = invitations.create_invitation(actor=coordinator, case=case)
    response = client.post(link(first.token), {"code": first.code})
    assert response.status_code == 410
    assert "erstattet af et nyere link" in response.content.decode()
    assert client.post(link(second.token), {"code": second.code}).status_code == 302


@pytest.mark.django_db
def test_unknown_link_is_not_found_with_a_plain_message(client):
    response = client.get(link("no-such-token"))
    assert response.status_code == 404
    assert "Vi kan ikke finde linket" in response.content.decode()
    assert client.post("/mit-forloeb/ind/no-such-token/nyt-link/").status_code == 404
