"""A transfer from Aarhus to Odense in the browser, end to end, with an axe check on every page:
the Aarhus caseworker starts it (refused without consent, then with the consent recorded in the
same step), the Odense caseworker finds it on the list, sees only the summary and takes over."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from borgerforloeb.models import CaseTransfer, Citizen, CoordinatorAssignment
from core.roles import Role
from samarbejde.models import Organisation
from tests.case_factories import make_case, make_citizen, make_org

pytestmark = pytest.mark.e2e


@pytest.fixture
def aarhus_case(make_user, organisation, other_municipality):
    sender = make_user(
        role=Role.CASEWORKER,
        organisation=organisation,
        email="sofie@aarhus.example.dk",
        full_name="Sofie Sender",
    )
    odense = make_org(
        other_municipality, kind=Organisation.Kind.MUNICIPAL, name="Odense Kommune, Socialforvaltningen"
    )
    make_user(
        role=Role.CASEWORKER, organisation=odense, email="ole@odense.example.dk", full_name="Ole Modtager"
    )
    citizen = make_citizen(
        organisation.municipality, actor=sender, full_name="Aputsiaq Flyttesen", cpr="070761-4005"
    )
    return make_case(
        organisation.municipality,
        actor=sender,
        citizen=citizen,
        coordinator=sender,
        coordinator_org=organisation,
    )


def test_transfer_from_aarhus_to_odense(journey_factory, aarhus_case):
    sender = journey_factory(name="aarhus")
    page = sender.page
    sender.login("sofie@aarhus.example.dk")
    sender.goto(aarhus_case.get_absolute_url(), step="case")
    sender.activate(page.get_by_role("link", name="Flyt til anden kommune"), step="transfer-form")

    sender.choose(page.locator("#id_to_municipality"), "Odense")
    move_date = timezone.localdate() + timedelta(days=10)
    page.locator("#id_move_date").fill(move_date.isoformat())
    sender.type_into(page.locator("#id_message"), "Flytter tæt på sin søster.")
    sender.activate(page.get_by_role("button", name="Send overdragelsen"), step="transfer-refused")
    municipality = page.locator("#id_to_municipality")
    expect(municipality).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Borgerens samtykke dækker ikke Odense")).to_be_visible()
    expect(page.locator("#id_message")).to_have_value("Flytter tæt på sin søster.")
    assert not CaseTransfer.objects.exists()

    sender.toggle(page.locator("#id_record_consent"))
    sender.choose(page.locator("#id_consent_given_how"), "Underskrevet")
    sender.activate(page.get_by_role("button", name="Send overdragelsen"), step="transfer-sent")
    transfer = CaseTransfer.objects.get()
    assert transfer.status == CaseTransfer.Status.PENDING and transfer.move_date == move_date

    receiver = journey_factory(name="odense")
    page = receiver.page
    receiver.login("ole@odense.example.dk")
    receiver.activate(page.locator('#main-nav a[href="/forloeb/overdragelser/"]'), step="inbound-list")
    # The consent allows the name.
    expect(page.get_by_role("cell", name="Aputsiaq Flyttesen", exact=True)).to_be_visible()
    receiver.activate(page.get_by_role("link", name="Se og svar"), step="inbound-summary")
    body = page.content()
    assert "070761" not in body and "0707614005" not in body
    expect(page.get_by_role("link", name="Gå til forløbet")).to_have_count(0)
    receiver.activate(page.get_by_role("button", name="Tag imod forløbet"), step="accepted-case")

    assert page.url.endswith(aarhus_case.get_absolute_url())
    expect(page.get_by_text("Forløbet er modtaget.")).to_be_visible()
    assert Citizen.objects.get(pk=aarhus_case.citizen_id).municipality.name == "Odense"
    assert (
        CoordinatorAssignment.objects.active().get(case=aarhus_case).person.email == "ole@odense.example.dk"
    )
    receiver.activate(page.get_by_role("link", name="Overdragelser"), step="list-after")
