"""Staff cannot act as the citizen (issue 17, hole 5): only the active coordinator and the
caseworkers of the citizen's municipality invite; the link goes to the citizen by e-mail and the
staff member sees only the code; every citizen action's audit row names the invitation and who
created it; binding actions show on the case which way the citizen signed in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from borgerforloeb.models import CitizenInvitation, Consent, Participant, PlanAcceptance
from borgerforloeb.services.participants import add_participant
from borgerforloeb.services.plan import new_plan_version, save_plan_version
from core.models import AuditEvent
from mit_forloeb import invitations
from tests.case_factories import make_consent


@pytest.fixture
def world_options():
    return {
        "people": {"coordinator": {"full_name": "Tove Holder"}},
        "citizen": {"full_name": "Aputsiaq Olsen", "email": "aputsiaq@example.dk"},
    }


@pytest.fixture(autouse=True)
def _guest_volunteer_and_draft(world):
    """Odense's caseworker (the guest) and the volunteer take part under consent; a draft plan."""
    caseworker = world.caseworker
    world.guest_consent = make_consent(world.citizen, organisations=[world.odense], actor=caseworker)
    make_consent(world.citizen, organisations=[world.uncovered], actor=caseworker)
    for user, org in ((world.odense_caseworker, world.odense), (world.volunteer, world.uncovered)):
        add_participant(
            actor=caseworker, case=world.case, user=user, organisation=org, role=Participant.Role.CONTACT
        )
    version = new_plan_version(actor=world.coordinator, case=world.case)
    save_plan_version(
        actor=world.coordinator,
        version=version,
        lock_version=version.lock_version,
        goals=[{"text": "Egen bolig"}],
    )
    version.refresh_from_db()
    world.draft = version


def invite_url(case):
    return reverse("citizen:invite", args=[case.pk])


@pytest.mark.django_db
def test_only_the_coordinator_and_the_citizens_caseworkers_invite(client, world, mailoutbox):
    case = world.case
    for name in ("odense_caseworker", "volunteer"):  # both see the case, neither may invite
        client.force_login(getattr(world, name))
        assert client.get(case.get_absolute_url()).status_code == 200
        assert client.get(invite_url(case)).status_code == 404, name
        assert client.post(invite_url(case)).status_code == 404, name
        assert invite_url(case) not in client.get(case.get_absolute_url()).content.decode()
    assert not CitizenInvitation.objects.exists() and not mailoutbox
    for name in ("coordinator", "caseworker"):
        client.force_login(getattr(world, name))
        assert client.post(invite_url(case)).status_code == 200, name
    assert CitizenInvitation.objects.count() == 2 and len(mailoutbox) == 2


@pytest.mark.django_db
def test_link_and_code_travel_by_different_channels(client, world, mailoutbox):
    case, coordinator = world.case, world.coordinator
    client.force_login(coordinator)
    response = client.post(invite_url(case))
    html = response.content.decode()
    [mail] = mailoutbox
    token = mail.body.split("/mit-forloeb/ind/", 1)[1].split("/", 1)[0]
    code = response.context["code"]
    assert code in html and code not in mail.body
    assert token not in html and "/mit-forloeb/ind/" not in html
    assert "a***@example.dk" in html  # where the link went, masked
    assert "issued" not in response.context  # the page never holds the token
    # The citizen needs both: the link alone does not sign in.
    citizen = client.__class__()
    assert citizen.post(f"/mit-forloeb/ind/{token}/", {"code": ""}).status_code == 200
    assert invitations.CITIZEN_SESSION_KEY not in citizen.session
    assert citizen.post(f"/mit-forloeb/ind/{token}/", {"code": code}).status_code == 302


@pytest.mark.django_db
def test_no_invitation_without_the_citizens_e_mail(client, world, mailoutbox):
    case = world.case
    case.citizen.email = ""
    case.citizen.save(update_fields=["email"])
    client.force_login(world.coordinator)
    assert "ingen e-mailadresse" in client.get(invite_url(case)).content.decode()
    response = client.post(invite_url(case))
    assert "ingen e-mailadresse" in response.content.decode()
    assert not CitizenInvitation.objects.exists() and not mailoutbox


def sign_in_by_invitation(client, world, mailoutbox):
    staff = client.__class__()
    staff.force_login(world.coordinator)
    code = staff.post(invite_url(world.case)).context["code"]
    token = mailoutbox[-1].body.split("/mit-forloeb/ind/", 1)[1].split("/", 1)[0]
    assert client.post(f"/mit-forloeb/ind/{token}/", {"code": code}).status_code == 302
    return CitizenInvitation.objects.get(case=world.case, used_at__isnull=False)


@pytest.mark.django_db
def test_citizen_actions_name_the_invitation_and_who_created_it(client, world, mailoutbox):
    case, coordinator, consent, draft = world.case, world.coordinator, world.guest_consent, world.draft
    invitation = sign_in_by_invitation(client, world, mailoutbox)
    expected = {
        "via": "invitation",
        "invitation_id": str(invitation.pk),
        "invitation_created_by_id": str(coordinator.pk),
        "invitation_created_by": "Tove Holder",
    }
    assert client.get("/mit-forloeb/").status_code == 200
    assert client.post(f"/mit-forloeb/samtykke/{consent.pk}/tilbagekald/").status_code == 302
    assert (
        client.post(
            f"/mit-forloeb/plan/{draft.pk}/accepter/", {"lock_version": draft.lock_version}
        ).status_code
        == 302
    )
    assert client.post("/mit-forloeb/besked/", {"text": "Tak"}).status_code == 302
    citizen_rows = AuditEvent.objects.filter(case_id=case.pk, actor__isnull=True)
    assert citizen_rows.count() >= 5  # sign-in, read, withdrawal, acceptance, message
    for row in citizen_rows:
        assert row.changes.get("citizen_sign_in") == expected, (row.note, row.object_type)
    # Kept with the binding actions themselves.
    acceptance = PlanAcceptance.objects.get(version=draft)
    assert (acceptance.citizen_sign_in, acceptance.invitation) == ("invitation", invitation)
    consent = Consent.objects.get(pk=consent.pk)
    assert (consent.withdrawn_sign_in, consent.withdrawn_invitation) == ("invitation", invitation)
    # And shown on the case: the case page, the plan, the consents and the timeline.
    staff = client.__class__()
    staff.force_login(world.caseworker)
    for url in (
        case.get_absolute_url(),
        reverse("borgerforloeb:plan_detail", args=[case.pk]),
        reverse("borgerforloeb:case_consents", args=[case.pk]),
        reverse("borgerforloeb:case_timeline", args=[case.pk]),
    ):
        assert "via invitation oprettet af Tove Holder" in staff.get(url).content.decode(), url


@pytest.mark.django_db
def test_a_binding_action_after_mitid_says_mitid(world, rf):
    from django.contrib.sessions.backends.db import SessionStore

    from mit_forloeb import services as citizen_services

    request = rf.post("/")
    request.session = SessionStore()
    invitations.sign_in_citizen(request, world.case.citizen)  # the MitID path passes no invitation
    sign_in = invitations.current_sign_in(request)
    assert (sign_in.via, sign_in.invitation, sign_in.label()) == ("mitid", None, "via MitID")
    draft = world.draft
    acceptance = citizen_services.accept_plan_version(
        case=world.case, version=draft, lock_version=draft.lock_version, sign_in=sign_in
    )
    assert (acceptance.citizen_sign_in, acceptance.invitation_id) == ("mitid", None)
    assert acceptance.citizen_sign_in_label == "via MitID"
    row = AuditEvent.objects.get(object_id=str(draft.pk), action="update", changes__has_key="citizen_sign_in")
    assert row.changes["citizen_sign_in"] == {"via": "mitid"}
