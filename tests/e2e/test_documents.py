"""The forms filled from a case in the browser: the coordinator opens each print view from the case
page; the Greenlandic-speaking citizen opens their papers in Mit forløb on a 360 px phone, in
kalaallisut. Every print view passes the axe audit."""

import pytest
from playwright.sync_api import expect

from borgerforloeb.services.efforts import save_effort
from borgerforloeb.services.plan import accept_plan_version, new_plan_version, save_plan_version
from core.roles import Role
from mit_forloeb import invitations
from tests.case_factories import make_case, make_citizen
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e

GOAL = "Inissaqarusuppunga – jeg vil have et sted at bo"


def test_the_forms_print_for_the_coordinator_and_for_the_citizen_on_a_phone(
    journey_factory, make_user, municipality, organisation
):
    coordinator = make_user(role=Role.COORDINATOR, organisation=organisation, full_name="Tove Holder")
    citizen = make_citizen(municipality, full_name="Aputsiaq Olsen", preferred_language="kl")
    case = make_case(municipality, citizen=citizen, coordinator=coordinator, coordinator_org=organisation)
    version = new_plan_version(actor=coordinator, case=case)
    save_plan_version(
        actor=coordinator,
        version=version,
        lock_version=version.lock_version,
        goals=[{"text": GOAL, "who_helps": "Tove"}],
    )
    accept_plan_version(actor=coordinator, version=version, citizen_participation="present")
    save_effort(actor=coordinator, case=case, title="Bostøtte", responsible=coordinator)

    staff = journey_factory(name="coordinator")
    staff.login(coordinator.email)
    staff.goto(f"/forloeb/{case.pk}/")
    staff.check("case-page", axe=False)  # the case page has journeys of its own
    for kind in ("plan", "maal", "indsatser", "samtykke"):
        link = staff.page.locator(f'a[href^="/forloeb/{case.pk}/dokumenter/{kind}/"]:not([href*="/pdf/"])')
        staff.activate(link, step=f"print-{kind}")
        expect(staff.page.locator("html")).to_have_attribute("lang", "kl")
        expect(staff.page.locator("header")).to_contain_text(municipality.name)
        staff.page.go_back()
        staff.check(f"back-{kind}", axe=False)

    issued = invitations.create_invitation(actor=coordinator, case=case)
    phone = journey_factory(viewport=PHONE, name="citizen")
    page = phone.page
    phone.goto(f"/mit-forloeb/ind/{issued.token}/", step="sign-in")
    code = phone.tab_to(page.locator("input[name=code]"))
    code.fill(issued.code)
    phone.press("Enter", locator=code, step="home")
    for kind in ("maal", "indsatser"):
        phone.activate(page.locator(f'a[href="/mit-forloeb/papirer/{kind}/"]'), step=f"papers-{kind}")
        expect(page.locator("html")).to_have_attribute("lang", "kl")
        phone.assert_no_sideways_scroll()
        phone.page.go_back()
        phone.check(f"home-{kind}", axe=False)
    expect(page.get_by_text(GOAL)).to_be_visible()
