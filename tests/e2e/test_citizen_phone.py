"""The coordinator invites a citizen from the case page; the Greenlandic-speaking citizen signs
in to Mit forløb on a 360 px phone with the link and code, reads their case in kalaallisut,
withdraws a consent and accepts the new plan, all with the keyboard; every Mit forløb page passes
the axe audit and nothing scrolls sideways."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from borgerforloeb.models import Case, Meeting, Participant, PlanAcceptance, PlanVersion
from borgerforloeb.services.participants import add_participant
from borgerforloeb.services.plan import new_plan_version, save_plan_version
from core.roles import Role
from mit_forloeb import services as citizen_services
from tests.case_factories import make_case, make_citizen, make_consent, make_org
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"


def test_citizen_journey_on_a_phone_in_kalaallisut(
    journey_factory, make_user, municipality, organisation, mailoutbox
):
    coordinator = make_user(
        role=Role.COORDINATOR, organisation=organisation, full_name="Tove Holder", phone="+45 11 22 33 44"
    )
    volunteer_org = make_org(municipality, name="Kofoeds Skole")
    volunteer = make_user(role=Role.VOLUNTEER, organisation=volunteer_org)
    citizen = make_citizen(
        municipality,
        full_name="Aputsiaq Olsen",
        preferred_name="Aputsi",
        preferred_language="kl",
        email="aputsiaq@example.dk",
    )
    case = make_case(municipality, citizen=citizen, coordinator=coordinator, coordinator_org=organisation)
    consent = make_consent(citizen, organisations=[volunteer_org])
    add_participant(
        actor=coordinator,
        case=case,
        role=Participant.Role.VOLUNTEER,
        user=volunteer,
        organisation=volunteer_org,
    )
    draft = new_plan_version(actor=coordinator, case=case)
    save_plan_version(
        actor=coordinator,
        version=draft,
        lock_version=draft.lock_version,
        goals=[{"text": "Inissaqarusuppunga – jeg vil have et sted at bo"}],
    )
    Meeting.objects.create(
        case=case,
        title="Netværksmøde",
        starts_at=timezone.now() + timedelta(days=2),
        interpreter_needed=True,
        interpreter_booked=True,
    )
    # The coordinator invites the citizen from the case page: the link goes to the citizen's
    # e-mail, and the coordinator reads out the code.
    staff = journey_factory(name="coordinator")
    staff.login(coordinator.email)
    # The case page as a whole is audited by the case pages' own journeys.
    staff.goto(f"/forloeb/{case.pk}/")
    staff.check("case-page", axe=False)
    expect(staff.page.get_by_text("Sidst set af borgeren")).to_be_visible()
    invite = staff.tab_to(staff.page.locator(f'a[href="/mit-forloeb/invitation/{case.pk}/"]'))
    staff.press("Enter", locator=invite, step="invite")
    create = staff.tab_to(staff.page.get_by_role("button", name="Send link og vis kode"))
    staff.press("Enter", locator=create, step="link-and-code")
    issued_code = staff.page.locator("#citizen-code").inner_text().strip()
    assert "/mit-forloeb/ind/" not in staff.page.content()  # the link is never shown to staff
    [mail] = mailoutbox
    link = next(line for line in mail.body.splitlines() if "/mit-forloeb/ind/" in line).strip()
    assert link.startswith(staff.base_url + "/mit-forloeb/ind/")

    phone_journey = journey_factory(viewport=PHONE, name="citizen")
    page = phone_journey.page
    phone_journey.goto(link.removeprefix(phone_journey.base_url), step="sign-in")
    no_sideways_scroll(page)
    code = phone_journey.tab_to(page.get_by_label("Din kode (6 tal)"))
    code.fill(issued_code)
    phone_journey.press("Enter", locator=code, step="home")

    expect(page.locator("html")).to_have_attribute("lang", "kl")
    expect(page.get_by_text("Tove Holder")).to_be_visible()
    expect(page.get_by_text("Inissaqarusuppunga – jeg vil have et sted at bo")).to_be_visible()
    expect(page.get_by_text("Netværksmøde")).to_be_visible()
    no_sideways_scroll(page)

    withdraw = phone_journey.tab_to(
        page.locator(f'a[href="/mit-forloeb/samtykke/{consent.pk}/tilbagekald/"]')
    )
    phone_journey.press("Enter", locator=withdraw, step="withdraw-confirm")
    expect(page.locator("html")).to_have_attribute("lang", "kl")
    no_sideways_scroll(page)
    confirm = phone_journey.tab_to(page.locator("form button[type=submit].btn-danger"))
    phone_journey.press("Enter", locator=confirm, step="consent-withdrawn")
    assert not Case.objects.visible_to(volunteer).filter(pk=case.pk).exists()

    accept = phone_journey.tab_to(
        page.locator(f'form[action="/mit-forloeb/plan/{draft.pk}/accepter/"] button')
    )
    phone_journey.press("Enter", locator=accept, step="plan-accepted")
    no_sideways_scroll(page)
    draft.refresh_from_db()
    assert draft.status == PlanVersion.Status.ACCEPTED
    acceptance = PlanAcceptance.objects.get(version=draft)
    assert acceptance.citizen_participation == citizen_services.SELF_SERVICE_PARTICIPATION

    # The coordinator sees that the citizen has looked, and what they did.
    staff.goto(f"/forloeb/{case.pk}/")
    staff.check("case-page-after", axe=False)
    expect(staff.page.get_by_text("aldrig")).to_have_count(0)
    expect(staff.page.get_by_text("Samtykke trukket tilbage")).to_be_visible()
