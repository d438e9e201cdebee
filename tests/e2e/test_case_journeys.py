"""Citizen cases in the browser, keyboard only: the caseworker opens a case, the coordinator works it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from borgerforloeb.models import Case, Citizen, CoordinatorAssignment, Meeting, Participant, PlanVersion, Task
from borgerforloeb.services.citizens import create_citizen
from borgerforloeb.services.participants import add_participant
from borgerforloeb.services.tasks import create_task
from core.roles import Role
from tests.case_factories import make_case

pytestmark = pytest.mark.e2e


@pytest.fixture
def staff(make_user, organisation):
    """A caseworker and two coordinators, all employed by the municipality."""
    return {
        "caseworker": make_user(
            role=Role.CASEWORKER,
            organisation=organisation,
            email="sofie@aarhus.example.dk",
            full_name="Sofie Sagsen",
        ),
        "coordinator": make_user(
            role=Role.COORDINATOR,
            organisation=organisation,
            email="tove@aarhus.example.dk",
            full_name="Tove Holder",
        ),
        "successor": make_user(
            role=Role.COORDINATOR,
            organisation=organisation,
            email="niels@aarhus.example.dk",
            full_name="Niels Næste",
        ),
    }


def test_caseworker_creates_citizen_and_case_assigns_coordinator_and_adds_participants(journey, staff):
    page = journey.page
    journey.login("sofie@aarhus.example.dk")
    journey.check("home")

    journey.activate(page.locator('#main-nav a[href="/forloeb/"]'), step="my-cases")
    journey.activate(page.get_by_role("link", name="Ny borger og forløb"), step="citizen-form")

    # Saving without a name: the error is tied to the field, which takes the focus.
    journey.activate(page.get_by_role("button", name="Opret borger"), step="citizen-form-error")
    name = page.get_by_label("Fulde navn")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_be_focused()
    assert page.locator(f"#{name.get_attribute('aria-describedby').split()[0]}").inner_text().strip()

    # The citizen, in their own words.
    journey.type_into(page.get_by_label("Fulde navn"), "Aputsiaq Olsen")
    journey.type_into(page.get_by_label("Kaldenavn"), "Aputsi")
    journey.choose(page.get_by_label("Foretrukket sprog"), "Grønlandsk")
    journey.toggle(page.get_by_label("Ønsker tolk"))
    journey.type_into(page.get_by_label("Telefon", exact=True), "20 30 40 50")
    journey.type_into(
        page.get_by_label("Det der betyder noget for borgeren"), "At få min egen lejlighed og se min datter."
    )
    journey.activate(page.get_by_role("button", name="Opret borger"), step="case-form")
    citizen = Citizen.objects.get(full_name="Aputsiaq Olsen")
    assert citizen.interpreter_wanted and citizen.preferred_language == "kl"

    # The case: the citizen is already chosen; no coordinator yet.
    expect(page.get_by_label("Borger")).to_have_value(str(citizen.pk))
    journey.type_into(
        page.get_by_label("Situationen kort"), "Bor på herberg; ønsker bolig og kontakt til familien."
    )
    journey.activate(page.get_by_role("button", name="Opret forløb"), step="case-without-coordinator")
    case = Case.objects.get(citizen=citizen)
    expect(page.get_by_text("Forløbet har ingen tovholder.")).to_be_visible()

    # Assign the coordinator.
    journey.activate(page.get_by_role("link", name="Tildel tovholder"), step="assign-coordinator")
    journey.choose(page.get_by_label("Tovholder"), "Tove Holder")
    journey.type_into(page.get_by_label("Bemærkning"), "Tove kender borgeren fra værestedet.")
    journey.activate(page.get_by_role("button", name="Gem"), step="case-with-coordinator")
    expect(page.get_by_role("region", name="Hvem gør hvad").get_by_text("Tove Holder")).to_be_visible()
    assert CoordinatorAssignment.objects.get(case=case, ended_at__isnull=True).person == staff["coordinator"]

    # Participants: the caseworker and the citizen's sister (no login).
    journey.activate(page.get_by_role("link", name="Administrér deltagere"), step="participants")
    journey.choose(page.get_by_label("Person med login"), "Sofie Sagsen")
    journey.choose(page.get_by_label("Rolle"), "Sagsbehandler")
    journey.type_into(page.get_by_label("Ansvar i forløbet"), "Boligsagen og økonomien.")
    journey.activate(page.get_by_role("button", name="Tilføj"), step="participant-added")
    journey.type_into(page.get_by_label("Navn (person uden login)"), "Naja Olsen")
    journey.choose(page.get_by_label("Rolle"), "Pårørende")
    journey.type_into(
        page.get_by_label("Ansvar i forløbet"), "Søster; med til møderne, når Aputsi ønsker det."
    )
    journey.activate(page.get_by_role("button", name="Tilføj"), step="relative-added")
    table = page.get_by_role("table")
    for text in ("Sofie Sagsen", "Naja Olsen", "Pårørende", "Boligsagen og økonomien."):
        expect(table.get_by_text(text, exact=True).first).to_be_visible()
    roles = set(Participant.objects.filter(case=case, active=True).values_list("role", flat=True))
    assert {Participant.Role.CASEWORKER, Participant.Role.RELATIVE} <= roles


def follow(journey, url: str, *, step: str):
    """Tab to the page's own link to ``url`` and follow it."""
    journey.activate(journey.page.locator(f'main a[href="{url}"]').first, step=step)


def test_caseworker_agrees_a_plan_in_the_citizens_words_and_books_a_meeting_with_interpreter(
    journey, staff, municipality, organisation
):
    citizen = create_citizen(
        actor=staff["caseworker"],
        municipality=municipality,
        full_name="Aputsiaq Olsen",
        preferred_language="kl",
        interpreter_wanted=True,
    )
    case = make_case(
        municipality, actor=staff["caseworker"], citizen=citizen, coordinator=staff["coordinator"],
        coordinator_org=organisation,
    )  # fmt: skip
    add_participant(
        actor=staff["caseworker"], case=case, role=Participant.Role.CASEWORKER, user=staff["caseworker"]
    )
    page = journey.page
    journey.login("sofie@aarhus.example.dk")
    journey.check("home")
    journey.activate(page.locator('#main-nav a[href="/forloeb/"]'), step="my-cases")
    journey.activate(page.get_by_role("link", name=citizen.display_name), step="case")

    # A plan with goals in the citizen's own words.
    follow(journey, reverse("borgerforloeb:plan_detail", args=[case.pk]), step="plan")
    journey.activate(page.get_by_role("button", name="Opret plan"), step="plan-edit")
    journey.type_into(page.get_by_label("Formål"), "Aputsi får sin egen bolig og et stabilt netværk.")
    goals = page.get_by_label("Mål med borgerens egne ord", exact=True)
    journey.type_into(goals.nth(0), "Jeg vil have mit eget sted at bo.")
    journey.type_into(page.get_by_label("Hvem hjælper").nth(0), "Tove og boligkontoret")
    journey.type_into(goals.nth(1), "Jeg vil se min datter hver uge.")
    review = page.get_by_label("Næste opfølgning")
    if not review.input_value():
        # Date pickers take their digits in the browser's own order; set the date directly.
        review.fill((timezone.localdate() + timedelta(days=180)).isoformat())
    journey.activate(page.get_by_role("button", name="Gem planen"), step="plan-draft")
    draft = page.get_by_role("region", name="Kladde").or_(page.locator("main"))
    expect(draft.get_by_text("Jeg vil have mit eget sted at bo.").first).to_be_visible()
    expect(draft.get_by_text("Jeg vil se min datter hver uge.").first).to_be_visible()

    journey.activate(page.get_by_role("link", name="Registrér accept"), step="plan-accept")
    journey.type_into(page.get_by_label("Tolkens navn"), "Ivalo Kristiansen")
    journey.activate(page.get_by_role("button", name="Accepter planen"), step="plan-accepted")
    current = page.get_by_role("region", name="Gældende plan")
    expect(current.get_by_text("Jeg vil have mit eget sted at bo.").first).to_be_visible()
    accepted = PlanVersion.objects.get(plan__case=case, status=PlanVersion.Status.ACCEPTED)
    assert [goal.text for goal in accepted.goals.all()] == [
        "Jeg vil have mit eget sted at bo.",
        "Jeg vil se min datter hver uge.",
    ]

    # A meeting with an interpreter (the citizen wants one, so the form starts ticked).
    journey.goto(case.get_absolute_url(), step="case-with-plan")
    follow(journey, reverse("borgerforloeb:meeting_create", args=[case.pk]), step="meeting-form")
    journey.type_into(page.get_by_label("Titel"), "Opfølgning på planen")
    starts = (timezone.localtime() + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    page.get_by_label("Starter").fill(starts.strftime("%Y-%m-%dT%H:%M"))  # (a date picker, see above)
    journey.type_into(page.get_by_label("Sted"), "Jobcentret, mødelokale 2")
    expect(page.get_by_label("Tolk nødvendig")).to_be_checked()
    expect(page.get_by_label("Tolkesprog")).not_to_have_value("")
    journey.toggle(page.get_by_label("Tolk bestilt"))
    journey.type_into(page.get_by_label("Tolkens navn"), "Ivalo Kristiansen")
    journey.activate(page.get_by_role("button", name="Gem mødet"), step="meeting-saved")
    meeting = Meeting.objects.get(case=case)
    assert meeting.interpreter_needed and meeting.interpreter_booked
    assert meeting.interpreter_name == "Ivalo Kristiansen"

    journey.goto(case.get_absolute_url(), step="case-with-meeting")
    meetings = page.get_by_role("region", name="Næste møder")
    expect(meetings.get_by_text("Opfølgning på planen")).to_be_visible()
    expect(meetings.get_by_text("Ivalo Kristiansen")).to_be_visible()


@pytest.fixture
def case_with_overdue_task(staff, municipality, organisation):
    case = make_case(
        municipality,
        actor=staff["caseworker"],
        coordinator=staff["coordinator"],
        coordinator_org=organisation,
    )
    task = create_task(
        actor=staff["caseworker"],
        case=case,
        title="Søg om boligstøtte",
        responsible=staff["coordinator"],
        due_date=timezone.localdate() + timedelta(days=3),
    )
    Task.objects.filter(pk=task.pk).update(due_date=timezone.localdate() - timedelta(days=2))  # time passes
    return case, task


def test_coordinator_completes_overdue_task_and_hands_over_the_case(
    journey, journey_factory, staff, case_with_overdue_task
):
    case, task = case_with_overdue_task
    page = journey.page
    journey.login("tove@aarhus.example.dk")
    journey.check("home")
    journey.activate(page.locator('#main-nav a[href="/forloeb/"]'), step="my-cases")
    journey.activate(page.get_by_role("link", name="Mine opgaver"), step="my-tasks")

    row = page.get_by_role("row").filter(has_text="Søg om boligstøtte")
    expect(row).to_have_class("table-danger")
    expect(row.get_by_text("Overskredet")).to_be_visible()
    journey.activate(row.get_by_role("button", name="Markér som udført"), step="task-done")
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    expect(page.get_by_text("Du har ingen åbne opgaver.")).to_be_visible()

    # Hand the case over to a colleague.
    journey.goto(case.get_absolute_url(), step="case")
    journey.activate(page.get_by_role("link", name="Overdrag forløbet"), step="handover-form")
    journey.activate(page.get_by_role("button", name="Overdrag"), step="handover-errors")
    reason = page.get_by_label("Hvorfor overdrages forløbet?")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description("Skriv hvorfor forløbet overdrages.")
    journey.choose(page.get_by_label("Ny tovholder"), "Niels Næste")
    journey.type_into(reason, "Tove går på barsel; Niels overtager.")
    journey.activate(page.get_by_role("button", name="Overdrag"), step="handed-over")
    expect(page.get_by_role("status")).to_contain_text("Forløbet er overdraget")
    active = CoordinatorAssignment.objects.get(case=case, ended_at__isnull=True)
    assert active.person == staff["successor"]

    # The new coordinator finds the case in "Mine forløb" with themselves as coordinator.
    successor = journey_factory(name="successor")
    successor.login("niels@aarhus.example.dk")
    successor.check("successor-home")
    successor.activate(successor.page.locator('#main-nav a[href="/forloeb/"]'), step="successor-my-cases")
    successor.activate(
        successor.page.get_by_role("link", name=case.citizen.display_name), step="successor-case"
    )
    who = successor.page.get_by_role("region", name="Hvem gør hvad")
    expect(who.get_by_text("Niels Næste")).to_be_visible()
    expect(who.get_by_role("link", name="Overdrag forløbet")).to_be_visible()


def test_former_coordinator_lands_on_a_page_they_may_see_after_handover(
    journey, staff, case_with_overdue_task
):
    case, _task = case_with_overdue_task
    page = journey.page
    journey.login("tove@aarhus.example.dk")
    journey.goto(reverse("borgerforloeb:case_handover", args=[case.pk]), step="handover-form")
    journey.choose(page.get_by_label("Ny tovholder"), "Niels Næste")
    journey.type_into(page.get_by_label("Hvorfor overdrages forløbet?"), "Ny arbejdsfordeling.")
    journey.activate(page.get_by_role("button", name="Overdrag"), step="handed-over")  # asserts HTTP 2xx
    expect(page.get_by_role("status")).to_contain_text("Forløbet er overdraget")
