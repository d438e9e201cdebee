"""The citizen's network map: people in rings and sectors, versions recorded with the citizen and
compared, the SVG and the table holding the same people, the step to participant under consent,
access through the case's rule, and the citizen's own view in Mit forløb."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from borgerforloeb.models import CitizenMessage, NetworkMapVersion, NetworkPerson, Participant, TimelineEvent
from borgerforloeb.network_svg import CENTRE, Node, positions, render_svg
from borgerforloeb.services import network
from core.models import AuditEvent
from mit_forloeb import invitations
from tests.case_factories import make_case, make_citizen, make_consent

pytestmark = pytest.mark.django_db

K = NetworkPerson.Kind


@pytest.fixture
def world_options():
    return {"citizen": {"preferred_name": "Naja", "preferred_language": "kl"}}


def person(world, name, kind=K.FAMILY, ring=1, **fields):
    return network.add_person(
        actor=world.coordinator, case=world.case, name=name, kind=kind, ring=ring, **fields
    )


def svg_names(html: str) -> list[str]:
    return re.findall(r'class="person-name">([^<]*)</text>', html)


# --- The renderer ----------------------------------------------------------------------------


def test_svg_is_an_accessible_image_with_every_person_escaped():
    nodes = [
        Node(number=1, name="Mor <Ane>", kind="family", ring=1, kind_label="Familie", ring_label="Tæt på"),
        Node(number=2, name="Læge", kind="professional", ring=3, covered=True, participant=True),
    ]
    svg = render_svg(
        nodes,
        title="Kort & titel",
        desc="Beskrivelse",
        kinds=[(k, str(label)) for k, label in K.choices],
        rings=[(1, "Tæt på"), (2, "Mellem"), (3, "Længere væk")],
        citizen_label="Naja",
        id_prefix="t",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="t-title t-desc"' in svg
    assert (
        '<title id="t-title">Kort &amp; titel</title>' in svg
        and '<desc id="t-desc">Beskrivelse</desc>' in svg
    )
    assert "Mor &lt;Ane&gt;" in svg and "<Ane>" not in svg
    assert svg.count('class="person"') == 2
    assert svg.count('stroke="#111111" stroke-width="4"') == 1  # the consent-covered person
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_people_sit_in_their_ring_and_sector():
    kinds = [k for k, _ in K.choices]
    nodes = [
        Node(number=i, name=str(i), kind="family", ring=ring) for i, ring in enumerate([1, 2, 3], start=1)
    ]
    nodes.append(Node(number=4, name="4", kind="volunteer", ring=1))
    placed = positions(nodes, kinds)
    distance = {n: ((x - CENTRE) ** 2 + (y - CENTRE) ** 2) ** 0.5 for n, (x, y) in placed.items()}
    assert distance[1] < distance[2] < distance[3]
    assert 52 < distance[1] < 140 and 140 < distance[2] < 222 and 222 < distance[3] < 304
    # Family is the first sector (top right), volunteers the fourth (left of the top).
    assert placed[1][0] > CENTRE and placed[4][0] < CENTRE


# --- The map, its table and versions ----------------------------------------------------------


def test_svg_and_table_hold_the_same_people(client, world):
    for name, kind, ring in [
        ("Ane (mor)", K.FAMILY, 1),
        ("Hans", K.FRIENDS, 2),
        ("Dr. Berg", K.PROFESSIONAL, 3),
        ("Frida", K.VOLUNTEER, 2),
    ]:
        person(world, name, kind, ring)
    client.force_login(world.coordinator)
    html = client.get(reverse("borgerforloeb:network_map", args=[world.case.pk])).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    table = html[html.index("<table") : html.index("</table>")]
    in_svg = svg_names(svg)
    in_table = re.findall(r'class="fw-semibold person-name">([^<]*)</span>', table)
    assert sorted(in_svg) == sorted(in_table) == sorted(["Ane (mor)", "Hans", "Dr. Berg", "Frida"])
    # Same numbering: the table's order is the SVG's.
    assert in_svg == in_table
    assert "4 personer: 1 tæt på, 2 mellem og 1 længere væk" in svg


def test_versions_record_how_and_compare_who_came_closer_and_who_left(client, world):
    ane = person(world, "Ane", K.FAMILY, 2)
    hans = person(world, "Hans", K.FRIENDS, 1)
    berg = person(world, "Dr. Berg", K.PROFESSIONAL, 3)
    first = network.record_version(
        actor=world.coordinator,
        case=world.case,
        citizen_participation="interpreter",
        interpreter_name="Tolk Pipaluk",
        participants=[world.coordinator],
    )
    network.update_person(actor=world.coordinator, person=ane, ring=1)
    network.update_person(actor=world.coordinator, person=hans, ring=3)
    network.remove_person(actor=world.coordinator, person=berg)
    person(world, "Frida", K.VOLUNTEER, 2)
    second = network.record_version(actor=world.coordinator, case=world.case, citizen_participation="phone")
    assert (first.number, second.number) == (1, 2)
    assert [p.pk for p in first.participants.all()] == [world.coordinator.pk]

    diff = network.compare(network.version_map(first), network.version_map(second))
    assert [(old.ring, new.ring, new.name) for old, new in diff.closer] == [(2, 1, "Ane")]
    assert [(old.ring, new.ring, new.name) for old, new in diff.further] == [(1, 3, "Hans")]
    assert [e.name for e in diff.left] == ["Dr. Berg"]
    assert [e.name for e in diff.joined] == ["Frida"]

    client.force_login(world.caseworker)
    html = client.get(reverse("borgerforloeb:network_compare", args=[world.case.pk])).content.decode()
    closer = html[html.index('id="diff-closer"') :]
    assert "Ane: Mellem → Tæt på" in closer[: closer.index("</ul>")]
    assert "Hans: Tæt på → Længere væk" in html and "Dr. Berg" in html[html.index('id="diff-left"') :]
    assert html.count('role="img"') == 2
    # The version page shows how the citizen took part.
    html = client.get(reverse("borgerforloeb:network_version", args=[world.case.pk, 1])).content.decode()
    assert "Med tolk" in html and "Tolk Pipaluk" in html and "Dr. Berg" in html
    assert TimelineEvent.objects.filter(case=world.case, kind=TimelineEvent.Kind.NETWORK).count() == 9


def test_recording_a_version_with_an_interpreter_needs_the_name(client, world):
    person(world, "Ane")
    client.force_login(world.coordinator)
    url = reverse("borgerforloeb:network_version_create", args=[world.case.pk])
    response = client.post(url, {"held_on": "2026-12-01", "citizen_participation": "interpreter"})
    assert response.status_code == 200
    assert "Skriv tolkens navn" in response.content.decode()
    assert not NetworkMapVersion.objects.exists()
    response = client.post(
        url,
        {
            "held_on": "2026-12-01",
            "citizen_participation": "interpreter",
            "interpreter_name": "Pipaluk",
            "participants": [world.coordinator.pk],
        },
    )
    assert response.status_code == 302
    version = NetworkMapVersion.objects.get()
    assert version.snapshot[0]["name"] == "Ane" and version.interpreter_name == "Pipaluk"


def test_adding_a_person_through_the_page_keeps_what_was_typed_on_error(client, world):
    client.force_login(world.coordinator)
    url = reverse("borgerforloeb:network_map", args=[world.case.pk])
    response = client.post(url, {"name": "  ", "relation": "søster", "kind": "family", "ring": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skriv personens navn." in html and 'value="søster"' in html
    response = client.post(
        url, {"name": "Ane", "relation": "søster", "kind": "family", "ring": "1", "wants_involved": "on"}
    )
    assert response.status_code == 302
    assert NetworkPerson.objects.get(case=world.case).wants_involved is True


# --- Participants and consent -----------------------------------------------------------------


def test_make_participant_checks_the_consent_as_adding_a_participant_does(client, world):
    frida = person(
        world,
        "Frida Frivillig",
        K.VOLUNTEER,
        2,
        user=world.volunteer,
        organisation=world.uncovered,
        wants_involved=True,
    )
    client.force_login(world.coordinator)
    url = reverse("borgerforloeb:network_make_participant", args=[world.case.pk, frida.pk])
    response = client.post(url, follow=True)
    assert "samtykke dækker ikke Frivilligcenter Aarhus" in response.content.decode()
    assert not Participant.objects.filter(case=world.case, user=world.volunteer).exists()
    assert network.current_map(world.case).entries[0].covered is False

    make_consent(world.citizen, organisations=[world.uncovered])
    assert network.current_map(world.case).entries[0].covered is True
    assert client.post(url).status_code == 302
    frida.refresh_from_db()
    assert frida.participant.user == world.volunteer and frida.participant.role == Participant.Role.VOLUNTEER
    entry = network.current_map(world.case).entries[0]
    assert entry.participant and not entry.can_become_participant
    # Twice is refused, and so are family members and people the citizen does not want involved.
    with pytest.raises(Exception, match="deltager allerede"):
        network.make_participant(actor=world.coordinator, person=frida)
    mor = person(world, "Mor", K.FAMILY, 1, wants_involved=True)
    with pytest.raises(Exception, match="Kun professionelle og frivillige"):
        network.make_participant(actor=world.coordinator, person=mor)
    berg = person(world, "Dr. Berg", K.PROFESSIONAL, 3)
    with pytest.raises(Exception, match="ønsker ikke"):
        network.make_participant(actor=world.coordinator, person=berg)


def test_a_professional_without_login_becomes_a_named_participant(world):
    berg = person(world, "Dr. Berg", K.PROFESSIONAL, 3, relation="egen læge", wants_involved=True)
    participant = network.make_participant(actor=world.coordinator, person=berg)
    assert participant.name == "Dr. Berg" and participant.role == Participant.Role.CONTACT
    assert participant.responsibility == "egen læge"


# --- Access ---------------------------------------------------------------------------------------


def test_outsiders_get_404_and_participants_may_only_look(client, world):
    ane = person(world, "Ane")
    network.record_version(actor=world.coordinator, case=world.case, citizen_participation="present")
    urls = [
        reverse("borgerforloeb:network_map", args=[world.case.pk]),
        reverse("borgerforloeb:network_version", args=[world.case.pk, 1]),
        reverse("borgerforloeb:network_print", args=[world.case.pk]),
        reverse("borgerforloeb:network_person_edit", args=[world.case.pk, ane.pk]),
        reverse("borgerforloeb:network_version_create", args=[world.case.pk]),
    ]
    client.force_login(world.outsider)
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("borgerforloeb:network_person_remove", args=[world.case.pk, ane.pk])).status_code
        == 404
    )
    assert NetworkPerson.objects.filter(pk=ane.pk).exists()


def test_reading_the_map_is_audited(client, world):
    person(world, "Ane")
    client.force_login(world.caseworker)
    before = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, case_id=world.case.pk).count()
    client.get(reverse("borgerforloeb:network_map", args=[world.case.pk]))
    client.get(reverse("borgerforloeb:network_print", args=[world.case.pk]))
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, case_id=world.case.pk).count() == before + 2
    )


def test_the_attention_point_links_to_the_map(client, world):
    client.force_login(world.coordinator)
    url = reverse("borgerforloeb:network_map", args=[world.case.pk])
    for page in ("borgerforloeb:case_detail", "borgerforloeb:attention_edit"):
        assert f'href="{url}"' in client.get(reverse(page, args=[world.case.pk])).content.decode()


# --- Query counts -----------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_map_pages_use_a_fixed_number_of_queries(client, world):
    client.force_login(world.coordinator)
    urls = [
        reverse("borgerforloeb:network_map", args=[world.case.pk]),
        reverse("borgerforloeb:network_print", args=[world.case.pk]),
    ]
    person(world, "Ane", K.FAMILY, 1)
    network.record_version(actor=world.coordinator, case=world.case, citizen_participation="present")
    small = [_queries(client, url) for url in urls]
    for i in range(12):
        person(world, f"Person {i}", [K.FAMILY, K.FRIENDS, K.PROFESSIONAL, K.VOLUNTEER][i % 4], 1 + i % 3)
    for _ in range(3):
        network.record_version(actor=world.coordinator, case=world.case, citizen_participation="phone")
    assert [_queries(client, url) for url in urls] == small


# --- Mit forløb ---------------------------------------------------------------------------------


def citizen_sign_in(client, world):
    issued = invitations.create_invitation(actor=world.coordinator, case=world.case)
    response = client.post(f"/mit-forloeb/ind/{issued.token}/", {"code": issued.code})
    assert response.status_code == 302


def test_the_citizen_sees_their_map_in_kalaallisut_without_notes_and_may_ask_for_a_change(client, world):
    person(world, "Ane", K.FAMILY, 1, note="Intern note om Ane")
    person(world, "Dr. Berg", K.PROFESSIONAL, 3)
    network.record_version(actor=world.coordinator, case=world.case, citizen_participation="present")
    citizen_sign_in(client, world)
    assert reverse("citizen:network_map") in client.get(reverse("citizen:home")).content.decode()
    response = client.get(reverse("citizen:network_map"))
    assert response.status_code == 200 and response["Content-Language"] == "kl"
    html = response.content.decode()
    assert '<html lang="kl">' in html and 'role="img"' in html
    assert sorted(svg_names(html)) == ["Ane", "Dr. Berg"]
    assert "Intern note om Ane" not in html
    assert AuditEvent.objects.filter(case_id=world.case.pk, action=AuditEvent.Action.VIEW).exists()

    ask = reverse("citizen:change_request") + "?om=netvaerkskort"
    assert ask in html
    client.post(ask, {"text": "Hans skal tættere på"})
    message = CitizenMessage.objects.get(case=world.case, kind=CitizenMessage.Kind.CHANGE_REQUEST)
    assert message.text == "Hans skal tættere på" and message.plan_version is None


def test_another_citizen_sees_only_their_own_map(client, world):
    person(world, "Ane")
    other = make_citizen(world.municipality, full_name="Anden Borger")
    other_case = make_case(
        world.municipality, citizen=other, coordinator=world.coordinator, coordinator_org=world.voluntary
    )
    issued = invitations.create_invitation(actor=world.coordinator, case=other_case)
    client.post(f"/mit-forloeb/ind/{issued.token}/", {"code": issued.code})
    html = client.get(reverse("citizen:network_map")).content.decode()
    assert "Ane" not in svg_names(html)
