"""The case page "Hvem har set forløbet": reads are logged with who, when and IP; the page is for
the case's caseworkers and coordinator; outsiders get 404; a fixed number of queries."""

import pytest
from django.urls import reverse

from borgerforloeb.models import Participant
from core.models import AuditEvent
from core.roles import Role
from tests.case_factories import make_case, make_citizen, make_org


@pytest.fixture
def world(municipality, other_municipality, organisation, make_user):
    voluntary = make_org(municipality, name="Kirkens Korshær Aarhus")
    caseworker = make_user(role=Role.CASEWORKER, organisation=organisation, full_name="Sofie Sagsbehandler")
    coordinator = make_user(role=Role.COORDINATOR, organisation=voluntary, full_name="Nuka Tovholder")
    uncovered = make_org(municipality, name="Frivilligcenter Aarhus")  # not covered by the consent
    volunteer = make_user(role=Role.VOLUNTEER, organisation=uncovered, full_name="Frida Frivillig")
    odense = make_org(other_municipality, kind="kommunal", name="Odense Kommune")
    outsider = make_user(role=Role.CASEWORKER, organisation=odense, full_name="Ole Odense")
    citizen = make_citizen(municipality, actor=caseworker, full_name="Aviaja Lynge", cpr="070761-4005")
    case = make_case(
        municipality, actor=caseworker, citizen=citizen, coordinator=coordinator, coordinator_org=voluntary
    )
    Participant.objects.create(
        case=case, user=volunteer, organisation=uncovered, role=Participant.Role.VOLUNTEER
    )
    return {
        "case": case,
        "caseworker": caseworker,
        "coordinator": coordinator,
        "volunteer": volunteer,
        "outsider": outsider,
    }


def log_url(case):
    return reverse("borgerforloeb:case_access_log", args=[case.pk])


@pytest.mark.django_db
def test_reads_of_sensitive_pages_are_logged_with_ip(client, world):
    case = world["case"]
    client.force_login(world["coordinator"])
    for name, args in [
        ("borgerforloeb:case_detail", [case.pk]),
        ("borgerforloeb:case_timeline", [case.pk]),
        ("borgerforloeb:case_participants", [case.pk]),
        ("borgerforloeb:case_consents", [case.pk]),
    ]:
        assert client.get(reverse(name, args=args), REMOTE_ADDR="10.1.2.3").status_code == 200
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, actor=world["coordinator"], case_id=case.pk
    )
    assert events.count() == 4
    assert set(events.values_list("ip_address", flat=True)) == {"10.1.2.3"}
    html = client.get(log_url(case)).content.decode()
    for label in ["Forløbets side", "Tidslinje", "Deltagere", "Samtykker"]:
        assert label in html


@pytest.mark.django_db
def test_citizen_page_read_is_logged_and_shown_in_the_case_log(client, world):
    case = world["case"]
    client.force_login(world["caseworker"])
    url = reverse("borgerforloeb:citizen_detail", args=[case.citizen_id])
    assert client.get(url, REMOTE_ADDR="10.9.9.9").status_code == 200
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.VIEW, object_type="borgerforloeb.citizen", object_id=str(case.citizen_id)
    )
    assert (event.actor, event.ip_address) == (world["caseworker"], "10.9.9.9")
    html = client.get(log_url(case)).content.decode()
    assert "Borgerens side" in html and "10.9.9.9" in html


@pytest.mark.django_db
def test_outsider_reads_are_404_and_not_logged(client, world):
    case = world["case"]
    client.force_login(world["outsider"])
    assert client.get(reverse("borgerforloeb:case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("borgerforloeb:citizen_detail", args=[case.citizen_id])).status_code == 404
    assert not AuditEvent.objects.filter(actor=world["outsider"]).exists()


@pytest.mark.django_db
def test_show_cpr_is_logged_and_listed(client, world):
    case = world["case"]
    client.force_login(world["caseworker"])
    response = client.post(reverse("borgerforloeb:case_show_cpr", args=[case.pk]), REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 200
    assert "070761-4005" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SHOW_CPR, case_id=case.pk)
    assert event.actor == world["caseworker"] and event.ip_address == "10.0.0.7"
    assert "4005" not in str(event.changes) + event.object_repr
    html = client.get(log_url(case)).content.decode()
    assert "Viste CPR-nummer" in html and "Sofie Sagsbehandler" in html


@pytest.mark.django_db
def test_access_log_lists_who_read_the_case(client, world):
    case = world["case"]
    client.force_login(world["volunteer"])
    # The volunteer has no consent: 404, never logged.
    assert client.get(reverse("borgerforloeb:case_detail", args=[case.pk])).status_code == 404
    client.force_login(world["coordinator"])
    client.get(reverse("borgerforloeb:case_detail", args=[case.pk]), REMOTE_ADDR="192.0.2.44")
    client.force_login(world["caseworker"])
    response = client.get(log_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nuka Tovholder" in html and "192.0.2.44" in html and "Forløbets side" in html
    assert "Frida Frivillig" not in html
    # Writes are hidden by default and shown on request.
    assert "Oprettet" not in html
    assert "Oprettet" in client.get(log_url(case) + "?alle=1").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("caseworker", 200), ("coordinator", 200), ("outsider", 404), ("volunteer", 404)]
)
def test_access_log_permission(client, world, who, status):
    client.force_login(world[who])
    assert client.get(log_url(world["case"])).status_code == status


@pytest.mark.django_db
def test_participant_who_sees_the_case_cannot_see_the_log(client, world, make_user):
    from tests.case_factories import make_consent

    case = world["case"]
    make_consent(case.citizen, organisations=[world["volunteer"].memberships.first().organisation])
    client.force_login(world["volunteer"])
    assert client.get(reverse("borgerforloeb:case_detail", args=[case.pk])).status_code == 200
    assert client.get(log_url(case)).status_code == 403


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, world):
    response = client.get(log_url(world["case"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_access_log_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    case = world["case"]
    client.force_login(world["caseworker"])
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=world["coordinator"],
                action="view",
                object_type="borgerforloeb.case",
                object_id=str(case.pk),
                case_id=case.pk,
            )
            for _ in range(3)
        ]
    )
    with django_assert_max_num_queries(100) as small:
        client.get(log_url(case))
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor,
                action="view",
                object_type="borgerforloeb.case",
                object_id=str(case.pk),
                case_id=case.pk,
            )
            for actor in [world["coordinator"], world["caseworker"]] * 30
        ]
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(log_url(case))


@pytest.mark.django_db
def test_links_to_the_access_log_and_the_export(client, world):
    case = world["case"]
    client.force_login(world["caseworker"])
    assert log_url(case) in client.get(reverse("borgerforloeb:case_detail", args=[case.pk])).content.decode()
    citizen_page = client.get(
        reverse("borgerforloeb:citizen_detail", args=[case.citizen_id])
    ).content.decode()
    assert reverse("borgerforloeb:citizen_export", args=[case.citizen_id]) in citizen_page
    client.force_login(world["coordinator"])
    citizen_page = client.get(
        reverse("borgerforloeb:citizen_detail", args=[case.citizen_id])
    ).content.decode()
    assert reverse("borgerforloeb:citizen_export", args=[case.citizen_id]) not in citizen_page
