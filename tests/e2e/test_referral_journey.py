"""The coordinator's loop in the browser: a caseworker finds an offer with Greenlandic-speaking
staff, refers a citizen from it and signs out; a member of the receiving organisation is told,
finds the referral in "Det skal jeg" and declines it with a reason; the coordinator is told and
sees the answer on the case's timeline."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from borgerforloeb.models import Effort
from core.models import Notification, NotificationKind
from core.roles import Role
from tests.case_factories import make_org
from tilbud.models import Offer, TargetGroup

pytestmark = pytest.mark.e2e


@pytest.fixture
def referral_world(world, make_user, eager_celery):
    receiver = make_org(world.municipality, name="Værestedet Illu")
    world.receiver_user = make_user(
        role=Role.VOLUNTEER,
        organisation=receiver,
        full_name="Rasmus Modtager",
        email="rasmus@illu.example.dk",
    )
    offer = Offer.objects.create(
        organisation=receiver,
        name="Herberg for hjemløse grønlændere",
        description="Seng, mad og samtale på grønlandsk.",
        greenlandic_speaking_staff=True,
    )
    offer.municipalities.set([world.municipality])
    offer.target_groups.set(TargetGroup.objects.filter(code="hjemloese"))
    Offer.objects.create(organisation=receiver, name="Herberg uden tolk", description="Seng til hjemløse.")
    for o in Offer.objects.all():
        o.refresh_search_document()
    world.offer = offer
    return world


def sign_out(journey):
    journey.activate(journey.page.get_by_role("button", name="Log ud"), step="signed-out")


def test_refer_from_directory_answer_and_tell_the_coordinator(journey_factory, referral_world):
    w = referral_world
    # 1. The caseworker searches the directory with the Greenlandic-staff facet and refers.
    journey = journey_factory(name="caseworker")
    page = journey.page
    journey.login(w.caseworker.email)
    journey.goto(reverse("tilbud:offer_list") + "?q=hjemløs&greenlandic=true", step="search")
    expect(page.get_by_role("link", name="Herberg for hjemløse grønlændere", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Herberg uden tolk", exact=True)).to_have_count(0)
    journey.activate(
        page.get_by_role("link", name="Herberg for hjemløse grønlændere", exact=True), step="offer"
    )
    journey.activate(page.get_by_role("link", name="Henvis borger"), step="choose-case")
    journey.type_into(page.get_by_label("Søg blandt dine forløb (borgerens navn)"), "Naja")
    case_link = page.locator("#refer-cases").get_by_role("link", name="Naja Rosing Kleist")
    expect(case_link).to_be_visible()
    journey.activate(case_link, step="effort-form")
    expect(page.locator("#id_title")).to_have_value("Herberg for hjemløse grønlændere")
    expect(page.locator(f'input[name="offer"][value="{w.offer.pk}"]')).to_be_checked()
    # The picker searches as the user types, keeping the chosen offer.
    journey.type_into(page.get_by_label("Søg efter tilbud"), "herbreg")
    expect(page.locator("#offer-choices").get_by_text("Herberg uden tolk")).to_be_visible()
    expect(page.locator(f'input[name="offer"][value="{w.offer.pk}"]')).to_be_checked()
    journey.choose(page.get_by_label("Ansvarlig"), "Tove")
    journey.activate(page.get_by_role("button", name="Gem indsatsen"), step="efforts")
    effort = Effort.objects.get(case=w.case)
    assert effort.status == Effort.Status.REFERRED and effort.offer == w.offer
    sign_out(journey)

    # 2. A member of the receiving organisation is told and declines with a reason.
    journey = journey_factory(name="receiver")
    page = journey.page
    journey.login(w.receiver_user.email)
    journey.check("home-receiver")
    assert (
        Notification.objects.filter(recipient=w.receiver_user, kind=NotificationKind.REFERRAL_NEW).count()
        == 1
    )
    journey.activate(page.locator('#main-nav a[href="/notifikationer/"]'), step="notifications-receiver")
    expect(page.get_by_text("Ny henvisning til Værestedet Illu").first).to_be_visible()
    journey.activate(page.locator("#main-nav").get_by_role("link", name="Det skal jeg"), step="todo")
    row = page.locator('[data-group="referrals"]').get_by_role(
        "link", name="Herberg for hjemløse grønlændere"
    )
    journey.activate(row, step="referral")
    journey.tab_to(page.get_by_label("Accepter henvisningen"))  # a radio group: arrows choose
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Afvis henvisningen")).to_be_checked()
    journey.choose(page.get_by_label("Årsag til afvisning"), "Ingen ledig kapacitet")
    journey.type_into(page.get_by_label("Begrundelse"), "Ingen ledige pladser før i februar")
    journey.activate(page.get_by_role("button", name="Send svar"), step="answered")
    effort.refresh_from_db()
    assert effort.status == Effort.Status.DECLINED
    assert effort.decline_reason_kind == Effort.DeclineKind.NO_CAPACITY
    sign_out(journey)

    # 3. The coordinator sees the answer as a notification and on the case's timeline.
    journey = journey_factory(name="coordinator")
    page = journey.page
    journey.login(w.coordinator.email)
    journey.goto("/notifikationer/", step="notifications-coordinator")
    expect(
        page.get_by_text("Henvisningen »Herberg for hjemløse grønlændere« er afvist").first
    ).to_be_visible()
    journey.goto(reverse("borgerforloeb:case_timeline", args=[w.case.pk]), step="timeline")
    expect(page.get_by_text("har afvist henvisningen").first).to_be_visible()
