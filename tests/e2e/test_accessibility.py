"""The accessibility checks themselves: axe catches a real violation, focus is visible, errors are linked."""

import pytest
from playwright.sync_api import expect

from core.roles import Role
from tests.e2e.axe import AccessibilityError, assert_accessible

pytestmark = pytest.mark.e2e

BROKEN_PAGE = """<!doctype html><html lang="da"><head><title>Ødelagt side</title></head><body>
<main><h1>Ødelagt side</h1>
<img src="/static/missing.png">
<form><input type="text" name="navn"><button type="submit"></button></form>
</main></body></html>"""

GOOD_PAGE = """<!doctype html><html lang="da"><head><title>Pæn side</title></head><body>
<main><h1>Pæn side</h1>
<img src="/static/missing.png" alt="Kommunens logo">
<form><label for="navn">Navn</label><input id="navn" type="text" name="navn">
<button type="submit">Gem</button></form>
</main></body></html>"""


def test_axe_check_fails_on_a_broken_page(browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(BROKEN_PAGE)
        with pytest.raises(AccessibilityError) as caught:
            assert_accessible(page, label="deliberately broken page")
        found = {violation["id"] for violation in caught.value.violations}
        assert {"image-alt", "label", "button-name"} <= found
        assert "image-alt" in str(caught.value)

        page.set_content(GOOD_PAGE)
        assert_accessible(page, label="the same page, repaired")
    finally:
        context.close()


def test_keyboard_focus_is_visible(journey):
    journey.goto("/", step="home")
    page = journey.page
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Spring til indhold")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    journey.check("skip-link-focused", axe=False)
    brand = journey.tab_to(page.get_by_role("link", name="Samarbejdsportalen"))
    style = brand.evaluate(
        "element => { const s = getComputedStyle(element);"
        " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor}; }"
    )
    assert style["style"] not in ("none", "hidden"), style
    assert style["width"] >= 2, style
    journey.check("brand-link-focused", axe=False)

    # The skip link takes keyboard users straight to the content.
    page.keyboard.press("Shift+Tab")
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_login_form_errors_are_announced_and_linked_to_their_fields(journey, make_user):
    make_user(role=Role.CASEWORKER, email="sofie@aarhus.example.dk")
    journey.goto("/konto/login/", step="login-form")
    page = journey.page

    # Submit with an empty e-mail: the error sits next to the field and is tied to it.
    journey.tab_to(page.get_by_label("Adgangskode"))
    page.keyboard.type("noget-forkert")
    journey.press("Enter", step="field-error")
    email = page.get_by_label("E-mail")
    expect(email).to_have_attribute("aria-invalid", "true")
    described_by = email.get_attribute("aria-describedby")
    assert described_by
    error = page.locator(f"#{described_by.split()[0]}")
    expect(error).to_contain_text("Dette felt er påkrævet")
    expect(email).to_have_accessible_description("Dette felt er påkrævet.")
    expect(email).to_be_focused()  # the first invalid field takes the focus, so it is read out

    # Wrong password: the form-level error is an alert (read out at once) and the e-mail is kept.
    page.keyboard.type("sofie@aarhus.example.dk")
    journey.tab_to(page.get_by_label("Adgangskode"))
    page.keyboard.type("stadig-forkert")
    journey.press("Enter", step="wrong-password")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Forkert e-mail eller adgangskode")
    expect(alert).to_be_focused()
    expect(page.get_by_label("E-mail")).to_have_value("sofie@aarhus.example.dk")
