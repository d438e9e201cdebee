"""A Greenlandic-speaking citizen on a 360 px phone signs in to Mit forløb, opens "Hvem har set mit
forløb" (an outsider's read stands out, with a way to ask about it), asks about it, opens "Mine
data" and the printable copy, and a consent receipt, all in kalaallisut; every page passes the axe
audit and nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from borgerforloeb.services.citizens import show_cpr
from core.roles import Role
from mit_forloeb import invitations
from tests.case_factories import make_case, make_citizen, make_consent, make_org
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"


def test_data_rights_on_a_phone_in_kalaallisut(journey_factory, make_user, municipality, organisation):
    coordinator = make_user(role=Role.COORDINATOR, organisation=organisation, full_name="Tove Holder")
    caseworker = make_user(role=Role.CASEWORKER, organisation=organisation, full_name="Karl Udenfor")
    volunteer_org = make_org(municipality, name="Kofoeds Skole")
    citizen = make_citizen(
        municipality, full_name="Aputsiaq Olsen", preferred_language="kl", email="aputsiaq@example.dk"
    )
    case = make_case(municipality, citizen=citizen, coordinator=coordinator, coordinator_org=organisation)
    consent = make_consent(citizen, organisations=[volunteer_org])
    show_cpr(actor=caseworker, citizen=citizen, case=case)  # not in the case: stands out
    issued = invitations.create_invitation(actor=coordinator, case=case)

    journey = journey_factory(viewport=PHONE, name="citizen-data-rights")
    page = journey.page
    journey.goto(f"/mit-forloeb/ind/{issued.token}/", step="sign-in")
    code = journey.tab_to(page.get_by_label("Din kode (6 tal)"))
    code.fill(issued.code)
    journey.press("Enter", locator=code, step="home")
    expect(page.locator("html")).to_have_attribute("lang", "kl")

    log_link = journey.tab_to(page.locator('a[href="/mit-forloeb/hvem-har-set/"]'))
    journey.press("Enter", locator=log_link, step="access-log")
    expect(page.locator("html")).to_have_attribute("lang", "kl")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Hvem har set mit forløb")
    expect(page.get_by_text("Karl Udenfor")).to_be_visible()
    expect(page.locator(".citizen-access-flagged").first).to_be_visible()  # the caseworker's read
    no_sideways_scroll(page)

    ask = journey.tab_to(page.locator(".citizen-access-flagged a").first)
    journey.press("Enter", locator=ask, step="access-question")
    no_sideways_scroll(page)
    send = journey.tab_to(page.locator("main form button[type=submit]"))
    journey.press("Enter", locator=send, step="access-question-empty")  # an error beside the field
    text = journey.tab_to(page.locator("textarea"))
    text.fill("Sooq CPR-normu takuaat?")
    journey.press(
        "Enter", locator=journey.tab_to(page.locator("main form button[type=submit]")), step="asked"
    )
    assert case.citizen_messages.filter(kind="access_question").exists()

    journey.goto("/mit-forloeb/mine-data/", step="my-data")
    expect(page.locator("html")).to_have_attribute("lang", "kl")
    no_sideways_scroll(page)
    printable = journey.tab_to(page.locator('a[href="/mit-forloeb/mine-data/udskrift/"]'))
    journey.press("Enter", locator=printable, step="my-data-printable")
    expect(page.get_by_text("Aputsiaq Olsen").first).to_be_visible()
    no_sideways_scroll(page)

    journey.goto(f"/mit-forloeb/samtykke/{consent.pk}/kvittering/", step="consent-receipt")
    expect(page.get_by_text("Kofoeds Skole")).to_be_visible()
    no_sideways_scroll(page)
