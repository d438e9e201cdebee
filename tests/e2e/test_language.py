"""A user switches the interface to kalaallisut and back, with the keyboard; the choice follows them."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def switch_language(journey, option_label: str, code: str):
    page = journey.page
    select = journey.tab_to(page.locator("#language-select"))
    page.keyboard.type(option_label)  # a closed <select> picks the option typed
    expect(select).to_have_value(code)
    page.keyboard.press("Tab")
    expect(page.locator("#language-select ~ button[type=submit]")).to_be_focused()
    journey.press("Enter")


def test_switch_to_kalaallisut_and_back(journey):
    page = journey.page
    journey.goto("/", step="danish-home")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_label("Søg i tilbud")).to_be_visible()

    switch_language(journey, "Kalaallisut", "kl")
    journey.check("kalaallisut-home")
    expect(page.locator("html")).to_have_attribute("lang", "kl")
    expect(page.get_by_label("Søg i tilbud")).to_have_count(0)
    cookies = {cookie["name"]: cookie["value"] for cookie in journey.context.cookies()}
    assert cookies["django_language"] == "kl"

    # The choice persists on the next pages, found through the (translated) main menu.
    offers_link = page.locator('#main-nav a[href="/tilbud/"]')
    expect(offers_link).not_to_have_text("Tilbud")
    journey.tab_to(offers_link)
    journey.press("Enter")
    journey.check("kalaallisut-offers")
    expect(page.locator("html")).to_have_attribute("lang", "kl")
    expect(page.locator("#language-select")).to_have_value("kl")

    switch_language(journey, "Dansk", "da")
    journey.check("danish-again")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    assert "/tilbud/" in page.url  # back on the page the user was on
    journey.goto("/", step="danish-home-again")
    expect(page.get_by_label("Søg i tilbud")).to_be_visible()
