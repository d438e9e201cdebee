"""Mit forløb: the citizen sees exactly their own case, in their language, and acts on it
through the case services (withdraw consent, accept a plan version, ask for a change)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from borgerforloeb.models import (
    Case,
    CitizenMessage,
    Decision,
    Effort,
    Meeting,
    Participant,
    PlanAcceptance,
    PlanVersion,
    TimelineEvent,
)
from borgerforloeb.services.cases import change_case_status
from borgerforloeb.services.participants import add_participant
from borgerforloeb.services.plan import accept_plan_version, new_plan_version, save_plan_version
from core.models import AuditEvent
from mit_forloeb import invitations
from mit_forloeb import services as citizen_services
from tests.case_factories import make_case, make_citizen, make_consent, make_org

CPR = "0101901234"


def make_plan(case, actor, goals, *, accept=False):
    version = new_plan_version(actor=actor, case=case)
    version = save_plan_version(
        actor=actor,
        version=version,
        lock_version=version.lock_version,
        goals=[{"text": g} for g in goals],
        purpose="Formål: " + goals[0],
    )
    if accept:
        accept_plan_version(
            actor=actor, version=version, citizen_participation=PlanAcceptance.CitizenParticipation.PRESENT
        )
        version.refresh_from_db()
    return version


@pytest.fixture
def world_options():
    return {
        "people": {"coordinator": {"full_name": "Tove Holder", "phone": "+45 11 22 33 44"}},
        "organisations": {"uncovered": "Kofoeds Skole"},
        "citizen": {
            "full_name": "Aputsiaq Olsen",
            "preferred_name": "Aputsi",
            "cpr": CPR,
            "phone": "+45 99 88 77 66",
        },
    }


@pytest.fixture(autouse=True)
def _case_as_the_citizen_sees_it(world):
    """The volunteer takes part under a consent for its organisation; plans, a meeting, an effort,
    a shared and an internal decision; and another citizen's case with a draft plan."""
    case, coordinator, volunteer_org = world.case, world.coordinator, world.uncovered
    world.volunteer_consent = make_consent(world.citizen, organisations=[volunteer_org])
    add_participant(
        actor=coordinator,
        case=case,
        role=Participant.Role.VOLUNTEER,
        user=world.volunteer,
        organisation=volunteer_org,
        responsibility="Intern bemærkning: følger op på misbrug",
    )
    make_plan(case, coordinator, ["Jeg vil have min egen lejlighed"], accept=True)
    world.draft = make_plan(
        case, coordinator, ["Jeg vil have min egen lejlighed", "Jeg vil se mine børn hver uge"]
    )
    Meeting.objects.create(
        case=case,
        title="Netværksmøde",
        starts_at=timezone.now() + timedelta(days=2),
        interpreter_needed=True,
        interpreter_language="kalaallisut",
        interpreter_booked=True,
        minutes="Internt referat om økonomi",
    )
    Effort.objects.create(
        case=case, title="Bostøtte", responsible=coordinator, receiving_organisation=volunteer_org
    )
    Decision.objects.create(
        case=case,
        text="Delt beslutning: boligansøgning sendes",
        decided_by="Tove",
        citizen_involvement="Til stede",
        shared_with_citizen=True,
    )
    Decision.objects.create(
        case=case,
        text="Intern beslutning om underretning",
        decided_by="Tove",
        citizen_involvement="Orienteret",
        shared_with_citizen=False,
    )

    other_citizen = make_citizen(world.municipality, full_name="Naja Andersen")
    other_case = make_case(
        world.municipality, citizen=other_citizen, coordinator=coordinator, coordinator_org=world.voluntary
    )
    world.other_consent = make_consent(other_citizen, organisations=[volunteer_org])
    world.other_draft = make_plan(other_case, coordinator, ["Naja vil i arbejde"])


def sign_in(client, case, coordinator):
    issued = invitations.create_invitation(actor=coordinator, case=case)
    response = client.post(f"/mit-forloeb/ind/{issued.token}/", {"code": issued.code})
    assert response.status_code == 302 and response["Location"] == "/mit-forloeb/"
    return issued


@pytest.mark.django_db
def test_citizen_sees_their_own_case_and_nothing_else(client, world):
    sign_in(client, world.case, world.coordinator)
    response = client.get("/mit-forloeb/")
    assert response.status_code == 200
    html = response.content.decode()
    # Theirs: coordinator and how to reach them, plan goals in their own words, the draft,
    # next meeting with interpreter status, efforts, consents, shared decisions.
    for text in [
        "Hej Aputsi",
        "Tove Holder",
        "+45 11 22 33 44",
        "Jeg vil have min egen lejlighed",
        "Jeg vil se mine børn hver uge",
        "Forslag til en ny plan",
        "Netværksmøde",
        "Der er bestilt en tolk til mødet.",
        "Bostøtte",
        "Kofoeds Skole",
        "Træk samtykket tilbage",
        "Delt beslutning: boligansøgning sendes",
    ]:
        assert text in html, text
    # Not theirs, or internal: no other citizen, no internal decision, notes, minutes or CPR.
    for text in [
        "Naja",
        "Intern beslutning",
        "Intern bemærkning",
        "Internt referat",
        "Frida Frivillig",
        CPR,
        "010190",
        "Borgeren ønsker hjælp",  # the case summary is for staff
    ]:
        assert text not in html, text
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_every_read_is_audited(client, world):
    sign_in(client, world.case, world.coordinator)
    before = AuditEvent.objects.filter(action="view", note=invitations.CITIZEN_VIEW_NOTE).count()
    client.get("/mit-forloeb/")
    client.get(f"/mit-forloeb/samtykke/{world.volunteer_consent.pk}/tilbagekald/")
    client.get("/mit-forloeb/besked/")
    events = AuditEvent.objects.filter(action="view", note=invitations.CITIZEN_VIEW_NOTE)
    assert events.count() == before + 3
    assert set(events.values_list("case_id", flat=True)) == {world.case.pk}
    assert events.filter(actor__isnull=True).count() == events.count()


@pytest.mark.django_db
def test_url_tampering_gets_not_found(client, world):
    sign_in(client, world.case, world.coordinator)
    other_consent, other_draft = world.other_consent, world.other_draft
    assert client.get(f"/mit-forloeb/samtykke/{other_consent.pk}/tilbagekald/").status_code == 404
    assert client.post(f"/mit-forloeb/samtykke/{other_consent.pk}/tilbagekald/").status_code == 404
    response = client.post(
        f"/mit-forloeb/plan/{other_draft.pk}/accepter/", {"lock_version": other_draft.lock_version}
    )
    assert response.status_code == 404
    other_consent.refresh_from_db()
    other_draft.refresh_from_db()
    assert other_consent.withdrawn_at is None
    assert other_draft.status == PlanVersion.Status.DRAFT
    # An accepted (not draft) version of their own plan cannot be "accepted" again either.
    current = PlanVersion.objects.get(plan__case=world.case, status=PlanVersion.Status.ACCEPTED)
    assert client.post(f"/mit-forloeb/plan/{current.pk}/accepter/", {"lock_version": 1}).status_code == 404


@pytest.mark.django_db
def test_citizen_pages_need_a_citizen_session(client, world):
    assert client.get("/mit-forloeb/").url == "/mit-forloeb/log-ind/"
    # A staff login is not a citizen session.
    client.force_login(world.coordinator)
    assert client.get("/mit-forloeb/").url == "/mit-forloeb/log-ind/"
    assert client.get(f"/mit-forloeb/samtykke/{world.volunteer_consent.pk}/tilbagekald/").status_code == 302


@pytest.mark.django_db
def test_withdrawing_consent_ends_the_organisations_access_at_once(client, world):
    volunteer, case, consent = world.volunteer, world.case, world.volunteer_consent
    assert Case.objects.visible_to(volunteer).filter(pk=case.pk).exists()
    sign_in(client, case, world.coordinator)

    page = client.get(f"/mit-forloeb/samtykke/{consent.pk}/tilbagekald/")
    assert "Kofoeds Skole" in page.content.decode()
    response = client.post(f"/mit-forloeb/samtykke/{consent.pk}/tilbagekald/")
    assert response.status_code == 302

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not Case.objects.visible_to(volunteer).filter(pk=case.pk).exists()
    assert Case.objects.visible_to(world.coordinator).filter(pk=case.pk).exists()
    # The coordinator is told: a message on the case and the timeline.
    message = CitizenMessage.objects.get(case=case, kind=CitizenMessage.Kind.CONSENT_WITHDRAWN)
    assert "Kofoeds Skole" in message.text
    assert message.read_at is None
    assert TimelineEvent.objects.filter(
        case=case, kind=TimelineEvent.Kind.CONSENT, summary__icontains="tilbage"
    ).exists()
    assert TimelineEvent.objects.filter(
        case=case,
        summary="Borgeren trak selv samtykket tilbage i Mit forløb (Kofoeds Skole)"
        " (via invitation oprettet af Tove Holder)",
    ).exists()
    html = client.get("/mit-forloeb/").content.decode()
    assert "Du trak samtykket tilbage" in html
    assert "Dit samtykke er trukket tilbage" in html


@pytest.mark.django_db
def test_accepting_a_plan_version_records_that_the_citizen_took_part_themselves(client, world):
    case, draft = world.case, world.draft
    sign_in(client, case, world.coordinator)
    response = client.post(f"/mit-forloeb/plan/{draft.pk}/accepter/", {"lock_version": draft.lock_version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PlanVersion.Status.ACCEPTED
    acceptance = PlanAcceptance.objects.get(version=draft)
    assert acceptance.citizen_participation == citizen_services.SELF_SERVICE_PARTICIPATION
    assert acceptance.note == citizen_services.SELF_SERVICE_NOTE
    assert acceptance.recorded_by is None  # no staff member recorded it: the citizen did
    assert PlanVersion.objects.filter(plan__case=case, status=PlanVersion.Status.SUPERSEDED).count() == 1
    assert CitizenMessage.objects.filter(case=case, kind=CitizenMessage.Kind.PLAN_ACCEPTED).exists()
    assert TimelineEvent.objects.filter(
        case=case,
        summary=f"Borgeren sagde selv ja til planversion {draft.number} i Mit forløb"
        " (via invitation oprettet af Tove Holder)",
    ).exists()
    html = client.get("/mit-forloeb/").content.decode()
    assert "Forslag til en ny plan" not in html
    assert "Jeg vil se mine børn hver uge" in html


@pytest.mark.django_db
def test_accepting_a_plan_that_changed_meanwhile_is_refused(client, world):
    case, draft, coordinator = world.case, world.draft, world.coordinator
    sign_in(client, case, coordinator)
    loaded = draft.lock_version
    save_plan_version(actor=coordinator, version=draft, lock_version=loaded, purpose="Ændret")
    response = client.post(f"/mit-forloeb/plan/{draft.pk}/accepter/", {"lock_version": loaded}, follow=True)
    assert "Planen er blevet ændret" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == PlanVersion.Status.DRAFT


@pytest.mark.django_db
def test_asking_for_a_change_reaches_the_coordinator_and_the_timeline(client, world):
    case = world.case
    sign_in(client, case, world.coordinator)
    response = client.post("/mit-forloeb/besked/", {"text": "   "})
    assert response.status_code == 200
    assert "Skriv, hvad du gerne vil have ændret." in response.content.decode()

    response = client.post("/mit-forloeb/besked/", {"text": "Jeg vil hellere bo i Aarhus Nord"})
    assert response.status_code == 302
    message = CitizenMessage.objects.get(case=case, kind=CitizenMessage.Kind.CHANGE_REQUEST)
    assert message.text == "Jeg vil hellere bo i Aarhus Nord"
    assert message.plan_version == world.draft
    assert TimelineEvent.objects.filter(
        case=case, summary__contains="Jeg vil hellere bo i Aarhus Nord"
    ).exists()
    assert "Jeg vil hellere bo i Aarhus Nord" in client.get("/mit-forloeb/").content.decode()


@pytest.mark.django_db
def test_view_is_in_kalaallisut_for_a_greenlandic_speaking_citizen(client, world):
    citizen = world.citizen
    citizen.preferred_language = "kl"
    citizen.save(update_fields=["preferred_language"])
    sign_in(client, world.case, world.coordinator)
    response = client.get("/mit-forloeb/")
    assert '<html lang="kl">' in response.content.decode()
    assert response["Content-Language"] == "kl"

    citizen.preferred_language = "other"
    citizen.save(update_fields=["preferred_language"])
    response = client.get("/mit-forloeb/")
    assert '<html lang="da">' in response.content.decode()


@pytest.mark.django_db
def test_citizen_session_is_short_and_ends_when_idle(client, world):
    sign_in(client, world.case, world.coordinator)
    assert client.session.get_expire_at_browser_close()
    assert invitations.CITIZEN_SESSION_SECONDS == 30 * 60
    assert set(client.session.keys()) == {
        invitations.CITIZEN_SESSION_KEY,
        invitations.CITIZEN_SEEN_KEY,
        invitations.CITIZEN_VIA_KEY,
        invitations.CITIZEN_INVITATION_KEY,
        "_session_expiry",
    }
    session = client.session
    session[invitations.CITIZEN_SEEN_KEY] = timezone.now().timestamp() - 29 * 60
    session.save()
    assert client.get("/mit-forloeb/").status_code == 200  # activity keeps it alive
    session = client.session
    session[invitations.CITIZEN_SEEN_KEY] = timezone.now().timestamp() - 31 * 60
    session.save()
    assert client.get("/mit-forloeb/").url == "/mit-forloeb/log-ind/"
    assert invitations.CITIZEN_SESSION_KEY not in client.session


@pytest.mark.django_db
def test_sign_out_ends_the_session(client, world):
    sign_in(client, world.case, world.coordinator)
    client.post("/mit-forloeb/log-ud/")
    assert client.get("/mit-forloeb/").url == "/mit-forloeb/log-ind/"


@pytest.mark.django_db
def test_coordinator_sees_when_the_citizen_last_looked(client, world):
    case, coordinator = world.case, world.coordinator
    request = RequestFactory().get("/")
    request.user = coordinator
    template = Template("{% load citizen_access %}{% citizen_access_panel case %}")
    html = template.render(Context({"request": request, "case": case}))
    assert "Sidst set af borgeren" in html and "aldrig" in html

    sign_in(client, case, coordinator)
    client.get("/mit-forloeb/")
    client.post("/mit-forloeb/besked/", {"text": "Ring til mig om fredagen"})
    html = template.render(Context({"request": request, "case": case}))
    assert "aldrig" not in html
    assert "Ring til mig om fredagen" in html
    assert "Inviter borgeren til Mit forløb" in html

    staff = client.__class__()
    staff.force_login(coordinator)
    case_page = staff.get(f"/forloeb/{case.pk}/").content.decode()
    assert "Sidst set af borgeren" in case_page and "aldrig" not in case_page
    assert "Ring til mig om fredagen" in case_page
    assert f'href="/mit-forloeb/invitation/{case.pk}/"' in case_page
    assert staff.post(f"/mit-forloeb/invitation/{case.pk}/laest/").status_code == 302
    assert not case.citizen_messages.filter(read_at__isnull=True).exists()


@pytest.mark.django_db
def test_page_uses_a_constant_number_of_queries(client, world, municipality, make_user):
    case, coordinator = world.case, world.coordinator
    sign_in(client, case, coordinator)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/mit-forloeb/").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(8):
        org = make_org(municipality, name=f"Ekstra {i}")
        make_consent(world.citizen, organisations=[org])
        Effort.objects.create(
            case=case, title=f"Indsats {i}", responsible=coordinator, receiving_organisation=org
        )
        Meeting.objects.create(case=case, title=f"Møde {i}", starts_at=timezone.now() + timedelta(days=3 + i))
        Decision.objects.create(
            case=case,
            text=f"Beslutning {i}",
            decided_by="T",
            citizen_involvement="Ja",
            shared_with_citizen=True,
        )
        citizen_services.ask_for_change(case=case, text=f"Besked {i}")
    assert count() == small


@pytest.mark.django_db
def test_a_closed_case_shows_a_plain_message(client, world):
    case, coordinator = world.case, world.coordinator
    sign_in(client, case, coordinator)
    change_case_status(actor=coordinator, case=case, status=Case.Status.CLOSED, closed_reason="Slut")
    response = client.get("/mit-forloeb/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit forløb er afsluttet" in html
    assert "Jeg vil have min egen lejlighed" not in html
    assert client.get(f"/mit-forloeb/samtykke/{world.volunteer_consent.pk}/tilbagekald/").status_code == 404
