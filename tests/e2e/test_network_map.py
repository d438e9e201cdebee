"""The network map in the browser: the coordinator draws the citizen's network with six people in
three rings, makes two of them participants, records the version with the citizen present with an
interpreter and prints it on one A4 page; the Greenlandic-speaking citizen opens the map in Mit
forløb in kalaallisut on a 360 px phone. axe finds no serious or critical issue on any page."""

import re

import pytest
from playwright.sync_api import expect

from borgerforloeb.models import NetworkMapVersion, NetworkPerson, Participant
from core.roles import Role
from mit_forloeb import invitations
from tests.case_factories import make_case, make_citizen, make_consent, make_org
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e

# name, relation, group (the select's label), ring (the radio's label), wants involved, person with login
PEOPLE = [
    ("Ane Kleist", "mor", "Familie", "Tæt på", False, False),
    ("Hans Lynge", "ven", "Venner og netværk", "Tæt på", False, False),
    ("Dr. Berg", "egen læge", "Professionelle", "Længere væk", True, False),
    ("Frida Frivillig", "besøgsven", "Frivillige", "Mellem", True, True),
    ("Karl Naboen", "nabo", "Andre", "Mellem", False, False),
    ("Lis Jobcenter", "jobkonsulent", "Professionelle", "Længere væk", False, False),
]


def test_coordinator_builds_the_map_and_the_citizen_reads_it_on_a_phone(
    journey_factory, make_user, municipality, organisation
):
    coordinator = make_user(
        role=Role.COORDINATOR,
        organisation=organisation,
        full_name="Tove Holder",
        email="tove@aarhus.example.dk",
    )
    voluntary = make_org(municipality, name="Foreningen Kalaallit")
    volunteer = make_user(role=Role.VOLUNTEER, organisation=voluntary, full_name="Frida Frivillig")
    citizen = make_citizen(
        municipality,
        full_name="Aputsiaq Olsen",
        preferred_name="Aputsi",
        preferred_language="kl",
        interpreter_wanted=True,
        email="aputsiaq@example.dk",
    )
    case = make_case(municipality, citizen=citizen, coordinator=coordinator, coordinator_org=organisation)
    make_consent(citizen, organisations=[voluntary])

    staff = journey_factory(name="network-coordinator")
    page = staff.page
    staff.login(coordinator.email)
    staff.goto(f"/forloeb/{case.pk}/", step="case-page")
    staff.activate(page.get_by_role("link", name="Netværkskort").first, step="map-empty")

    for name, relation, group, ring, wanted, with_login in PEOPLE:
        page.locator("#id_name").fill(name)
        page.locator("#id_relation").fill(relation)
        page.locator("#id_kind").select_option(label=group)
        page.get_by_label(ring, exact=True).check()
        if wanted:
            page.locator("#id_wants_involved").check()
        if with_login:
            page.locator("#id_user").select_option(value=str(volunteer.pk))
            page.locator("#id_organisation").select_option(label="Foreningen Kalaallit")
        staff.press("Enter", locator=page.get_by_role("button", name="Sæt på kortet"))
        expect(page.locator(".alert-success")).to_contain_text(name)
    staff.check("map-six-people")
    assert NetworkPerson.objects.filter(case=case).count() == 6
    assert sorted(NetworkPerson.objects.filter(case=case).values_list("ring", flat=True)) == [
        1,
        1,
        2,
        2,
        3,
        3,
    ]
    # The drawing and the table hold the same six people.
    expect(page.locator("svg[role=img] g.person")).to_have_count(6)
    expect(page.locator("table.network-map-table tbody tr.network-person")).to_have_count(6)

    # Two of them become participants in one step each (the volunteer under the consent).
    for number, name in enumerate(("Dr. Berg", "Frida Frivillig"), start=1):
        staff.activate(
            page.locator("tr.network-person", has_text=name).locator("button", has_text="Gør til deltager"),
            step=f"participant-{number}",
        )
        expect(page.locator(".alert-success")).to_contain_text(name)
    assert Participant.objects.filter(case=case, active=True, name="Dr. Berg").exists()
    assert Participant.objects.filter(case=case, active=True, user=volunteer).exists()
    expect(page.locator("table.network-map-table .badge", has_text="Deltager")).to_have_count(2)
    expect(page.locator("svg[role=img] g.person rect")).to_have_count(2)

    # The version, made with the citizen present with an interpreter.
    staff.activate(page.get_by_role("link", name="Gem en version lavet med borgeren"), step="version-form")
    expect(page.get_by_label("Med tolk")).to_be_checked()
    page.locator("#id_interpreter_name").fill("Tolk Arnaq")
    page.get_by_label("Tove Holder").check()
    page.locator("#id_others_present").fill("Borgeren selv")
    staff.activate(page.get_by_role("button", name="Gem versionen"), step="version")
    version = NetworkMapVersion.objects.get(case=case)
    assert version.citizen_participation == "interpreter" and version.interpreter_name == "Tolk Arnaq"
    assert len(version.snapshot) == 6 and list(version.participants.all()) == [coordinator]
    expect(page.get_by_text("Tolk Arnaq")).to_be_visible()

    # The print: one A4 page.
    staff.activate(page.get_by_role("link", name="Udskriv versionen (A4)"), step="print")
    expect(page.locator("svg[role=img] g.person")).to_have_count(6)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the map does not fit one A4 page"
    page.emulate_media(media="screen")

    # The citizen reads the map in Mit forløb, in kalaallisut, on a phone.
    issued = invitations.create_invitation(actor=coordinator, case=case)
    phone = journey_factory(viewport=PHONE, name="network-citizen")
    cpage = phone.page
    phone.goto(f"/mit-forloeb/ind/{issued.token}/", step="sign-in")
    cpage.locator("input[name=code]").fill(issued.code)
    phone.press("Enter", locator=cpage.locator("input[name=code]"), step="home")
    expect(cpage.locator("html")).to_have_attribute("lang", "kl")
    phone.activate(cpage.locator('a[href="/mit-forloeb/netvaerkskort/"]'), step="citizen-map")
    expect(cpage.locator("html")).to_have_attribute("lang", "kl")
    expect(cpage.locator("svg[role=img]")).to_be_visible()
    expect(cpage.locator("svg[role=img] g.person")).to_have_count(6)
    expect(cpage.locator("table.network-map-table tbody tr.network-person")).to_have_count(6)
    phone.assert_no_sideways_scroll()
    phone.activate(
        cpage.locator('a[href="/mit-forloeb/besked/?om=netvaerkskort"]'), step="citizen-change-request"
    )
    phone.assert_no_sideways_scroll()
