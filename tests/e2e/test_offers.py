"""A volunteer on a 360 px phone finds a walk-in offer that is open now and has Greenlandic-speaking
staff, using the keyboard only (Tab, Enter, Space and the arrow keys)."""

import pytest
from playwright.sync_api import expect

from core.roles import Role
from samarbejde.models import Organisation
from tests.tilbud_factories import OfferFactory, OrganisationFactory, every_day

pytestmark = pytest.mark.e2e


@pytest.fixture
def offers(municipality):
    voluntary = OrganisationFactory(name="Kofoeds Skole", municipality=municipality)
    municipal = OrganisationFactory(
        name="Aarhus Kommune, Herbergerne", municipality=municipality, kind=Organisation.Kind.MUNICIPAL
    )
    common = {"municipalities": [municipality], "free": True}
    right = OfferFactory(
        name="Værestedet Illu", organisation=voluntary, walk_in=True, greenlandic_speaking_staff=True,
        description="Kaffe, samvær og rådgivning på grønlandsk og dansk.", **common,
    )  # fmt: skip
    closed = OfferFactory(
        name="Aftencafé Nuuk", organisation=voluntary, walk_in=True, greenlandic_speaking_staff=True, **common
    )  # no opening hours: never open now
    danish_only = OfferFactory(name="Morgenmad for alle", organisation=municipal, walk_in=True, **common)
    by_referral = OfferFactory(
        name="Herberg med henvisning", organisation=municipal, referral_required=True,
        greenlandic_speaking_staff=True, **common,
    )  # fmt: skip
    for offer in (right, danish_only, by_referral):
        every_day(offer)
    return {"right": right, "closed": closed, "danish_only": danish_only, "by_referral": by_referral}


def open_filters(journey):
    """On a phone the filters hide behind a button; open it with the keyboard."""
    page = journey.page
    toggle = page.get_by_role("button", name="Filtre", exact=True)
    journey.tab_to(toggle)
    page.keyboard.press("Enter")
    expect(page.locator("#facets")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")


def result_names(page):
    return page.locator(".tilbud-results .card-title a").all_inner_texts()


def test_volunteer_on_a_phone_finds_walk_in_offer_open_now_with_greenlandic_staff(
    phone_journey, make_user, offers, organisation
):
    journey, page = phone_journey, phone_journey.page
    make_user(role=Role.VOLUNTEER, organisation=organisation, email="frivillig@example.dk")
    journey.login("frivillig@example.dk")
    journey.check("home")
    journey.assert_no_sideways_scroll()

    # The main menu is collapsed on a phone: open it and follow "Tilbud".
    menu_button = page.get_by_role("button", name="Vis menu")
    journey.tab_to(menu_button)
    page.keyboard.press("Enter")
    offers_link = page.locator('#main-nav a[href="/tilbud/"]')
    expect(offers_link).to_be_visible()
    journey.tab_to(offers_link)
    journey.press("Enter", step="offer-list")
    journey.assert_no_sideways_scroll()
    assert len(result_names(page)) == 4

    # "Åbent nu" (a checkbox that applies itself when toggled with Space).
    open_filters(journey)
    journey.tab_to(page.get_by_label("Åbent nu"))
    journey.press("Space", step="open-now")
    expect(page.locator("input[name=open_now]")).to_be_checked()
    open_now = ["Værestedet Illu", "Morgenmad for alle", "Herberg med henvisning"]
    assert sorted(result_names(page)) == sorted(open_now)

    # "Grønlandsktalende personale".
    open_filters(journey)
    journey.tab_to(page.get_by_label("Grønlandsktalende personale"))
    journey.press("Space", step="greenlandic-staff")
    assert sorted(result_names(page)) == sorted(["Værestedet Illu", "Herberg med henvisning"])

    # Access: "Kom uden aftale" (a radio group: Tab reaches the chosen radio, arrows move the choice).
    open_filters(journey)
    access = page.get_by_role("group", name="Adgang")
    journey.tab_to(access.get_by_label("Alle"))
    journey.press("ArrowDown", step="walk-in")
    expect(page.locator("input[name=access][value=walk_in]")).to_be_checked()  # (filters folded away)
    assert result_names(page) == ["Værestedet Illu"]
    expect(page.get_by_role("status")).to_contain_text("1 tilbud fundet")
    card = page.locator(".tilbud-results .card")
    for badge in ("Åbent nu", "Kom uden aftale", "Grønlandsktalende personale"):
        expect(card.get_by_text(badge, exact=True)).to_be_visible()
    journey.assert_no_sideways_scroll()
    for name in ("open_now=true", "greenlandic=true", "access=walk_in"):
        assert name in page.url  # the search can be bookmarked and shared

    # Open the offer.
    journey.tab_to(page.get_by_role("link", name="Værestedet Illu"))
    journey.press("Enter", step="offer-detail")
    expect(page.get_by_role("heading", level=1)).to_have_text("Værestedet Illu")
    expect(page.get_by_text("Kofoeds Skole").first).to_be_visible()
    journey.assert_no_sideways_scroll()
