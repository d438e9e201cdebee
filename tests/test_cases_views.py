"""Case pages: My cases, My tasks, the case screen, forms, CPR show, visibility (404)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from borgerforloeb.models import (
    Case,
    Citizen,
    CoordinatorAssignment,
    Meeting,
    Participant,
    PlanAcceptance,
    Task,
    TimelineEvent,
)
from borgerforloeb.services.cases import change_case_status
from borgerforloeb.services.consents import withdraw_consent
from borgerforloeb.services.participants import add_participant
from borgerforloeb.services.plan import accept_plan_version, new_plan_version, save_plan_version
from borgerforloeb.services.tasks import complete_task, create_task
from core.models import AuditEvent
from core.roles import Role
from samarbejde.models import Organisation
from tests.case_factories import make_case, make_citizen, make_consent, make_org


@pytest.fixture
def voluntary(municipality):
    return make_org(municipality, name="Det Grønlandske Hus, Aarhus")


@pytest.fixture
def caseworker(make_user, organisation):
    return make_user(role=Role.CASEWORKER, organisation=organisation, full_name="Sofie Sagsbehandler")


@pytest.fixture
def coordinator(make_user, voluntary):
    return make_user(role=Role.COORDINATOR, organisation=voluntary, full_name="Nuka Tovholder")


@pytest.fixture
def case(municipality, caseworker, coordinator, voluntary):
    citizen = make_citizen(municipality, actor=caseworker, full_name="Aviaja Lynge", cpr="070761-4005")
    return make_case(
        municipality, actor=caseworker, citizen=citizen, coordinator=coordinator, coordinator_org=voluntary
    )


def case_urls(case):
    return [
        reverse("borgerforloeb:case_detail", args=[case.pk]),
        reverse("borgerforloeb:case_timeline", args=[case.pk]),
        reverse("borgerforloeb:case_participants", args=[case.pk]),
        reverse("borgerforloeb:task_create", args=[case.pk]),
        reverse("borgerforloeb:case_handover", args=[case.pk]),
        reverse("borgerforloeb:case_assign_coordinator", args=[case.pk]),
        reverse("borgerforloeb:case_status", args=[case.pk]),
        reverse("borgerforloeb:citizen_detail", args=[case.citizen.pk]),
    ]


# --- The one screen ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_coordinator_sees_who_does_what_and_what_is_overdue_on_one_screen(
    client, case, caseworker, coordinator, organisation
):
    add_participant(
        actor=coordinator,
        case=case,
        user=caseworker,
        organisation=organisation,
        role=Participant.Role.CASEWORKER,
        responsibility="Handleplan efter § 141",
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    create_task(
        actor=coordinator, case=case, title="Søg om bolig", responsible=coordinator, due_date=yesterday
    )
    create_task(
        actor=coordinator,
        case=case,
        title="Ring til lægen",
        responsible=caseworker,
        due_date=timezone.localdate() + timedelta(days=3),
    )
    Meeting.objects.create(
        case=case,
        starts_at=timezone.now() + timedelta(days=2),
        place="Det Grønlandske Hus",
        interpreter_needed=True,
        interpreter_language="kalaallisut",
    )
    version = new_plan_version(actor=coordinator, case=case)
    save_plan_version(
        actor=coordinator,
        version=version,
        lock_version=version.lock_version,
        purpose="Stabil bolig",
        goals=[{"text": "Jeg vil bo tæt på min søster", "who_helps": "Nuka"}],
    )
    accept_plan_version(
        actor=coordinator, version=version, citizen_participation=PlanAcceptance.CitizenParticipation.PRESENT
    )

    client.force_login(coordinator)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for expected in [
        "Nuka Tovholder",  # coordinator
        "Sofie Sagsbehandler",
        "Handleplan efter § 141",  # responsibility
        "Søg om bolig",
        "Overskredet",  # overdue highlighted
        "table-danger",
        "Ring til lægen",
        "kalaallisut",
        "ikke bestilt endnu",  # interpreter not booked yet
        "Sprog og tolk",  # attention points from the default checklist
        "Jeg vil bo tæt på min søster",  # plan in the citizen's words
        "070761-XXXX",  # CPR masked
    ]:
        assert expected in html, expected
    assert "070761-4005" not in html
    assert "0707614005" not in html
    # the page read is audited
    assert AuditEvent.objects.filter(
        case_id=case.pk, action=AuditEvent.Action.VIEW, actor=coordinator
    ).exists()


@pytest.mark.django_db
def test_show_cpr_is_a_post_and_audited(client, case, caseworker):
    client.force_login(caseworker)
    url = reverse("borgerforloeb:case_show_cpr", args=[case.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    html = response.content.decode()
    assert "070761-4005" in html
    title = html.split("<title>")[1].split("</title>")[0]
    assert "070761" not in title
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.SHOW_CPR, actor=caseworker, case_id=case.pk
        ).count()
        == 1
    )
    response = client.post(reverse("borgerforloeb:citizen_show_cpr", args=[case.citizen.pk]))
    assert "070761-4005" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SHOW_CPR, actor=caseworker).count() == 2


@pytest.mark.django_db
def test_volunteer_participant_cannot_see_cpr(client, case, coordinator, voluntary, make_user):
    volunteer = make_user(role=Role.VOLUNTEER, organisation=voluntary)
    add_participant(actor=coordinator, case=case, user=volunteer, role=Participant.Role.VOLUNTEER)
    client.force_login(volunteer)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.post(reverse("borgerforloeb:case_show_cpr", args=[case.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SHOW_CPR).exists()


# --- Visibility: 404 -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_outsiders_get_404_on_every_case_page(
    client, case, make_user, voluntary, other_municipality, organisation
):
    other_caseworker = make_user(
        role=Role.CASEWORKER, organisation=make_org(other_municipality, kind=Organisation.Kind.MUNICIPAL)
    )
    volunteer_without_participation = make_user(role=Role.VOLUNTEER, organisation=voluntary)
    admin_only = make_user(role=Role.ADMINISTRATOR, organisation=organisation)
    for user in (other_caseworker, volunteer_without_participation, admin_only):
        client.force_login(user)
        for url in case_urls(case):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("borgerforloeb:case_show_cpr", args=[case.pk])).status_code == 404
        task = Task.objects.create(case=case, title="x", responsible=user)
        assert client.post(reverse("borgerforloeb:task_complete", args=[task.pk])).status_code == 404
        task.delete()
    client.logout()
    for url in case_urls(case):
        assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_consent_withdrawal_removes_page_access_at_once(client, case, coordinator, caseworker):
    client.force_login(coordinator)
    assert client.get(case.get_absolute_url()).status_code == 200
    consent = case.citizen.consents.get()
    withdraw_consent(actor=caseworker, consent=consent)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(reverse("borgerforloeb:my_cases")).content.decode().count(case.get_absolute_url()) == 0


# --- My cases / My tasks ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_tasks_lists_only_my_open_tasks_in_visible_cases_overdue_first(
    client, case, coordinator, caseworker, municipality, voluntary
):
    today = timezone.localdate()
    later = create_task(
        actor=caseworker,
        case=case,
        title="Senere",
        responsible=coordinator,
        due_date=today + timedelta(days=5),
    )
    overdue = create_task(
        actor=caseworker,
        case=case,
        title="Overskredet opgave",
        responsible=coordinator,
        due_date=today - timedelta(2),
    )
    no_date = create_task(actor=caseworker, case=case, title="Uden frist", responsible=coordinator)
    done = create_task(actor=caseworker, case=case, title="Færdig", responsible=coordinator)
    complete_task(actor=coordinator, task=done)
    create_task(actor=caseworker, case=case, title="Ikke min", responsible=caseworker)
    # A task in a case the coordinator can no longer see (consent withdrawn) is not listed.
    hidden_case = make_case(
        municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary
    )
    create_task(actor=caseworker, case=hidden_case, title="Skjult", responsible=coordinator)
    withdraw_consent(actor=caseworker, consent=hidden_case.citizen.consents.get())

    client.force_login(coordinator)
    response = client.get(reverse("borgerforloeb:my_tasks"))
    tasks = list(response.context["tasks"])
    assert tasks == [overdue, later, no_date]
    html = response.content.decode()
    assert "Overskredet" in html and "table-danger" in html
    assert "Ikke min" not in html and "Færdig" not in html and "Skjult" not in html
    with_done = list(client.get(reverse("borgerforloeb:my_tasks") + "?udfoerte=1").context["tasks"])
    assert with_done[-1] == done  # open tasks first

    # Complete from the list, back to the list.
    response = client.post(
        reverse("borgerforloeb:task_complete", args=[overdue.pk]), {"next": reverse("borgerforloeb:my_tasks")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("borgerforloeb:my_tasks")
    overdue.refresh_from_db()
    assert overdue.status == Task.Status.DONE


@pytest.mark.django_db
def test_my_cases_lists_cases_i_coordinate_or_take_part_in(
    client, case, coordinator, caseworker, municipality
):
    other = make_case(municipality, actor=caseworker)  # caseworker sees it, coordinator does not
    client.force_login(coordinator)
    cases = list(client.get(reverse("borgerforloeb:my_cases")).context["cases"])
    assert cases == [case] and cases[0].i_coordinate
    client.force_login(caseworker)
    assert list(client.get(reverse("borgerforloeb:my_cases")).context["cases"]) == []
    all_cases = set(client.get(reverse("borgerforloeb:my_cases") + "?alle=1").context["cases"])
    assert all_cases == {case, other}


def _bulk_cases(n, *, municipality, coordinator, voluntary, caseworker):
    """n cases coordinated by ``coordinator`` with consent, tasks and a meeting each (bulk)."""
    today = timezone.localdate()
    citizens = Citizen.objects.bulk_create(
        [Citizen(full_name=f"Borger {i}", municipality=municipality) for i in range(n)]
    )
    cases = Case.objects.bulk_create([Case(citizen=c, municipality=municipality) for c in citizens])
    CoordinatorAssignment.objects.bulk_create(
        [CoordinatorAssignment(case=c, person=coordinator, organisation=voluntary) for c in cases]
    )
    Participant.objects.bulk_create(
        [Participant(case=c, user=caseworker, role=Participant.Role.CASEWORKER) for c in cases]
    )
    from borgerforloeb.models import Consent

    consents = Consent.objects.bulk_create(
        [
            Consent(citizen=c, text_shown="Samtykke", given_how="signed", information_kinds=["basic"])
            for c in citizens
        ]
    )
    Consent.organisations.through.objects.bulk_create(
        [Consent.organisations.through(consent_id=c.pk, organisation_id=voluntary.pk) for c in consents]
    )
    Task.objects.bulk_create(
        [
            Task(case=c, title=f"Opgave {i}", responsible=coordinator, due_date=today - timedelta(days=i % 3))
            for i, c in enumerate(cases)
        ]
        + [
            Task(case=c, title="Senere", responsible=coordinator, due_date=today + timedelta(days=9))
            for c in cases
        ]
    )
    Meeting.objects.bulk_create(
        [Meeting(case=c, starts_at=timezone.now() + timedelta(days=1)) for c in cases]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["borgerforloeb:my_cases", "borgerforloeb:my_tasks"])
def test_list_pages_use_a_fixed_number_of_queries(
    client, url_name, municipality, coordinator, voluntary, caseworker, django_assert_num_queries
):
    _bulk_cases(
        10, municipality=municipality, coordinator=coordinator, voluntary=voluntary, caseworker=caseworker
    )
    client.force_login(coordinator)
    url = reverse(url_name)
    client.get(url)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) >= 10

    _bulk_cases(
        990, municipality=municipality, coordinator=coordinator, voluntary=voluntary, caseworker=caseworker
    )
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["page"].paginator.count >= 1000
    # Caseworker's "all cases" list too.
    client.force_login(caseworker)
    client.get(reverse("borgerforloeb:my_cases") + "?alle=1")
    with CaptureQueriesContext(connection) as big:
        client.get(reverse("borgerforloeb:my_cases") + "?alle=1")
    assert len(big.captured_queries) <= len(small.captured_queries) + 2


def _fill_case_page(case, *, n, coordinator, caseworker, voluntary):
    """``n`` rows in every panel of the case page (tasks, meetings, timeline, messages, consents
    with organisations and persons, goals, efforts)."""
    from borgerforloeb.models import CitizenMessage, Effort

    tomorrow = timezone.localdate() + timedelta(days=1)
    Task.objects.bulk_create(
        Task(case=case, title=f"Opgave {i}", responsible=coordinator, due_date=tomorrow) for i in range(n)
    )
    Meeting.objects.bulk_create(
        Meeting(case=case, starts_at=timezone.now() + timedelta(days=i + 1), place=f"Sted {i}")
        for i in range(n)
    )
    TimelineEvent.objects.bulk_create(
        TimelineEvent(case=case, kind="note", summary=f"Hændelse {i}", actor=coordinator) for i in range(n)
    )
    CitizenMessage.objects.bulk_create(
        CitizenMessage(case=case, kind=CitizenMessage.Kind.CHANGE_REQUEST, text=f"Ønske {i}")
        for i in range(n)
    )
    Effort.objects.bulk_create(
        Effort(case=case, title=f"Indsats {i}", responsible=coordinator, receiving_organisation=voluntary)
        for i in range(n)
    )
    for _ in range(max(1, n // 10)):
        make_consent(case.citizen, organisations=[voluntary], persons=[caseworker], case=case)
    version = new_plan_version(actor=coordinator, case=case)
    save_plan_version(
        actor=coordinator,
        version=version,
        lock_version=version.lock_version,
        purpose="Stabil bolig",
        goals=[{"text": f"Mål {i}", "who_helps": "Nuka"} for i in range(n)],
    )
    accept_plan_version(
        actor=coordinator, version=version, citizen_participation=PlanAcceptance.CitizenParticipation.PRESENT
    )


@pytest.mark.django_db
def test_case_page_reads_every_panel_in_a_fixed_number_of_queries(
    client, municipality, coordinator, caseworker, voluntary, django_assert_num_queries
):
    """Ten panels, one statement: the case page runs at most 10 queries (session, user, roles, the
    case with its panels, the notification count, the audit row…) whether each panel holds one
    row or fifty."""
    small = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    large = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    _fill_case_page(small, n=1, coordinator=coordinator, caseworker=caseworker, voluntary=voluntary)
    _fill_case_page(large, n=50, coordinator=coordinator, caseworker=caseworker, voluntary=voluntary)
    client.force_login(coordinator)
    client.get(small.get_absolute_url())  # warm up (content types)
    with CaptureQueriesContext(connection) as one:
        response = client.get(small.get_absolute_url())
    assert response.status_code == 200
    assert len(one.captured_queries) <= 10, "\n".join(q["sql"][:120] for q in one.captured_queries)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(large.get_absolute_url())
    html = response.content.decode()
    for expected in [
        "Opgave 49",
        "Sted 0",
        "Ønske 49",
        "Mål 49",
        "Sofie Sagsbehandler",
    ]:
        assert expected in html, expected
    assert len(re.findall(r"Indsats \d+", html)) == 10  # the panel shows at most ten efforts


# --- Forms ---------------------------------------------------------------------------------------


def citizen_data(municipality, **overrides):
    data = {
        "full_name": "Pipaluk Kristiansen",
        "preferred_name": "Pipa",
        "cpr": "",
        "date_of_birth": "",
        "municipality": municipality.pk,
        "preferred_language": "kl",
        "contact_preference": "only_coordinator",
        "what_matters": "At se mine børn",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_citizen_create_validates_cpr_in_danish_and_keeps_input(client, caseworker, municipality):
    client.force_login(caseworker)
    url = reverse("borgerforloeb:citizen_create")
    response = client.post(url, citizen_data(municipality, cpr="320161-4005"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "gyldig dato" in errors["cpr"][0]
    html = response.content.decode()
    assert 'value="320161-4005"' in html and "Pipaluk Kristiansen" in html
    response = client.post(url, citizen_data(municipality, cpr="12345"))
    assert "DDMMÅÅ-XXXX" in response.context["form"].errors["cpr"][0]
    assert not Citizen.objects.exists()


@pytest.mark.django_db
def test_citizen_create_modulus11_is_a_warning_to_confirm(client, caseworker, municipality):
    client.force_login(caseworker)
    url = reverse("borgerforloeb:citizen_create")
    response = client.post(url, citizen_data(municipality, cpr="070761-4006"))
    assert response.status_code == 200
    assert "modulus 11" in response.content.decode()
    assert not Citizen.objects.exists()
    response = client.post(url, citizen_data(municipality, cpr="070761-4006", confirm_cpr="on"))
    assert response.status_code == 302
    citizen = Citizen.objects.get()
    assert citizen.cpr == "0707614006" and citizen.date_of_birth.isoformat() == "1961-07-07"
    assert response["Location"].endswith(f"?borger={citizen.pk}")
    assert "0707614006" not in response["Location"]


@pytest.mark.django_db
def test_citizen_create_refuses_duplicate_cpr_with_link(client, caseworker, municipality):
    existing = make_citizen(municipality, actor=caseworker, cpr="070761-4005")
    client.force_login(caseworker)
    response = client.post(
        reverse("borgerforloeb:citizen_create"), citizen_data(municipality, cpr="0707614005")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "findes allerede en borger med dette CPR-nummer" in html
    assert existing.get_absolute_url() in html
    assert Citizen.objects.count() == 1


@pytest.mark.django_db
def test_likely_duplicate_without_cpr_warns_with_greenlandic_spelling(client, caseworker, municipality):
    existing = make_citizen(
        municipality,
        actor=caseworker,
        full_name="Kâlêraq Møller",
        date_of_birth=timezone.datetime(1980, 5, 1).date(),
    )
    client.force_login(caseworker)
    url = reverse("borgerforloeb:citizen_create")
    data = citizen_data(municipality, full_name="Kaaleraq Moeller", date_of_birth="1980-05-01")
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mulig dublet" in html and existing.get_absolute_url() in html
    assert Citizen.objects.count() == 1
    # A different birth date is no duplicate.
    response = client.post(url, {**data, "date_of_birth": "1980-05-02"})
    assert response.status_code == 302
    # Confirming creates the citizen anyway.
    response = client.post(url, {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Citizen.objects.count() == 3


def test_name_normalisation_for_greenlandic_variants():
    from borgerforloeb.selectors import names_similar, normalise_name

    assert normalise_name("Nûk Qaqortoq") == normalise_name("Nuuk Kakortok")
    assert normalise_name("Aaja") == normalise_name("Åja")
    assert names_similar("Kâlêraq Møller", "Kaalerak Moller")
    assert names_similar("Ivalu Heilmann", "Ivalu Nivi Heilmann")
    assert not names_similar("Ivalu Heilmann", "Minik Rosing")


@pytest.mark.django_db
def test_only_caseworkers_create_citizens_and_cases(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("borgerforloeb:citizen_create")).status_code == 403
    assert client.get(reverse("borgerforloeb:case_create")).status_code == 403


@pytest.mark.django_db
def test_case_create_with_coordinator_requires_consent(
    client, caseworker, coordinator, municipality, voluntary
):
    citizen = make_citizen(municipality, actor=caseworker)
    client.force_login(caseworker)
    url = reverse("borgerforloeb:case_create")
    assert client.get(f"{url}?borger={citizen.pk}").context["form"].initial["citizen"] == citizen.pk
    data = {
        "citizen": citizen.pk,
        "municipality": "",
        "start_date": "2026-01-05",
        "summary": "Bolig",
        "coordinator": coordinator.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "samtykke" in response.content.decode()
    assert not Case.objects.exists()
    make_consent(citizen, organisations=[voluntary], actor=caseworker)
    response = client.post(url, data)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.municipality == municipality
    assert case.active_coordinator_assignment.person == coordinator


@pytest.mark.django_db
def test_second_coordinator_attempt_offers_handover_and_handover_works(
    client, case, caseworker, coordinator, voluntary, make_user
):
    client.force_login(caseworker)
    response = client.get(reverse("borgerforloeb:case_assign_coordinator", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("borgerforloeb:case_handover", args=[case.pk])
    new = make_user(role=Role.COORDINATOR, organisation=voluntary, full_name="Malik Ny")
    url = reverse("borgerforloeb:case_handover", args=[case.pk])
    response = client.post(url, {"new_person": new.pk, "reason": ""})
    assert response.status_code == 200
    assert "Skriv hvorfor forløbet overdrages." in response.content.decode()
    response = client.post(url, {"new_person": new.pk, "reason": "Nuka flytter til Nuuk"})
    assert response.status_code == 302
    assert case.active_coordinator_assignment.person == new
    assert TimelineEvent.objects.filter(
        case=case, kind="coordinator", summary__contains="Nuka flytter til Nuuk"
    )
    # The old coordinator lost their coordinator role and has no participation: no access now.
    client.force_login(coordinator)
    assert client.get(case.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_add_participant_refused_with_reason_in_the_form(client, case, caseworker, municipality, make_user):
    private = make_org(municipality, kind=Organisation.Kind.PRIVATE, name="Nuna Bosted Aarhus ApS")
    staff = make_user(role=Role.COORDINATOR, organisation=private, full_name="Bo Støtte")
    client.force_login(caseworker)
    url = reverse("borgerforloeb:case_participants", args=[case.pk])
    response = client.post(url, {"user": staff.pk, "role": "contact", "responsibility": "Bostøtte"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nuna Bosted Aarhus ApS" in html and "samtykke" in html
    assert "Bostøtte" in html  # what was typed is kept
    response = client.post(url, {"name": "Kiista (søster)", "role": "relative"})
    assert response.status_code == 302
    assert Participant.objects.filter(case=case, name="Kiista (søster)").exists()


@pytest.mark.django_db
def test_task_create_and_complete_from_the_case(client, case, coordinator, caseworker):
    client.force_login(coordinator)
    url = reverse("borgerforloeb:task_create", args=[case.pk])
    response = client.post(url, {"title": "Book tolk", "responsible": ""})
    assert "Vælg den ene person, der har ansvaret." in response.content.decode()
    response = client.post(
        url, {"title": "Book tolk", "responsible": coordinator.pk, "due_date": "2026-12-01"}
    )
    assert response.status_code == 302
    task = Task.objects.get(case=case)
    assert task.responsible == coordinator
    # Someone not in the case cannot be made responsible.
    response = client.post(url, {"title": "x", "responsible": caseworker.pk})
    assert response.status_code == 200 and Task.objects.count() == 1
    response = client.post(reverse("borgerforloeb:task_complete", args=[task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.DONE


@pytest.mark.django_db
def test_timeline_page_is_ordered_and_filterable(client, case, coordinator):
    create_task(actor=coordinator, case=case, title="Opgave A", responsible=coordinator)
    client.force_login(coordinator)
    url = reverse("borgerforloeb:case_timeline", args=[case.pk])
    events = list(client.get(url).context["events"])
    assert [e.kind for e in events][:2] == ["task", "coordinator"]
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    only_tasks = list(client.get(url, {"kind": "task"}).context["events"])
    assert only_tasks and all(e.kind == "task" for e in only_tasks)
    assert client.get(url, {"kind": "nonsense"}).status_code == 200


@pytest.mark.django_db
def test_close_case_needs_reason(client, case, caseworker):
    client.force_login(caseworker)
    url = reverse("borgerforloeb:case_status", args=[case.pk])
    response = client.post(url, {"status": "closed", "closed_reason": ""})
    assert "Skriv hvorfor forløbet afsluttes." in response.content.decode()
    response = client.post(url, {"status": "closed", "closed_reason": "Borgeren er flyttet"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


# --- Consent pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_record_and_withdraw_consent_from_the_case(
    client, case, caseworker, coordinator, municipality, make_user
):
    private = make_org(municipality, kind=Organisation.Kind.PRIVATE, name="Nuna Bosted Aarhus ApS")
    staff = make_user(role=Role.COORDINATOR, organisation=private)
    client.force_login(caseworker)
    url = reverse("borgerforloeb:consent_create", args=[case.pk])
    base = {
        "information_kinds": ["basic", "housing"],
        "only_this_case": "on",
        "text_shown": "Jeg siger ja til at dele oplysninger om bolig.",
        "language": "kl",
        "valid_from": "2026-01-01",
        "valid_until": "2027-01-01",
    }
    response = client.post(url, {**base, "given_how": "oral_witness"})
    errors = response.context["form"].errors
    assert "Vælg mindst én organisation eller person." in errors["organisations"]
    assert "Et mundtligt samtykke kræver et vidne." in errors["witness"]
    response = client.post(
        url, {**base, "given_how": "interpreter", "interpreter_name": "Tolk", "organisations": [private.pk]}
    )
    assert response.status_code == 302
    consent = case.citizen.consents.get(organisations=private)
    assert consent.case == case and consent.information_kinds == ["basic", "housing"]
    add_participant(actor=caseworker, case=case, user=staff, role=Participant.Role.CONTACT)
    assert Case.objects.visible_to(staff).filter(pk=case.pk).exists()

    page = client.get(reverse("borgerforloeb:case_consents", args=[case.pk]))
    assert "Nuna Bosted Aarhus ApS" in page.content.decode() and "Bolig" in page.content.decode()
    response = client.post(
        reverse("borgerforloeb:consent_withdraw", args=[case.pk, consent.pk]),
        {"note": "Borgeren har sagt fra"},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == caseworker
    client.force_login(staff)
    assert client.get(case.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_coordinator_withdrawing_own_consent_lands_on_my_cases(client, case, coordinator):
    client.force_login(coordinator)
    consent = case.citizen.consents.get()
    response = client.post(reverse("borgerforloeb:consent_withdraw", args=[case.pk, consent.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("borgerforloeb:my_cases")


@pytest.mark.django_db
def test_volunteer_may_not_record_or_withdraw_consent(client, case, coordinator, voluntary, make_user):
    volunteer = make_user(role=Role.VOLUNTEER, organisation=voluntary)
    add_participant(actor=coordinator, case=case, user=volunteer, role=Participant.Role.VOLUNTEER)
    client.force_login(volunteer)
    assert client.get(reverse("borgerforloeb:case_consents", args=[case.pk])).status_code == 200
    assert client.get(reverse("borgerforloeb:consent_create", args=[case.pk])).status_code == 403
    consent = case.citizen.consents.get()
    assert (
        client.post(reverse("borgerforloeb:consent_withdraw", args=[case.pk, consent.pk])).status_code == 403
    )


# --- Admin ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_masks_cpr_and_refuses_a_second_active_coordinator(client, case, make_user, caseworker):
    superuser = make_user(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    for name in ("citizen", "case"):
        html = client.get(reverse(f"admin:borgerforloeb_{name}_changelist")).content.decode()
        assert "070761-XXXX" in html and "0707614005" not in html and "070761-4005" not in html
    html = client.get(reverse("admin:borgerforloeb_citizen_change", args=[case.citizen.pk])).content.decode()
    assert "0707614005" not in html
    response = client.post(
        reverse("admin:borgerforloeb_coordinatorassignment_add"),
        {
            "case": case.pk,
            "person": caseworker.pk,
            "started_at_0": "2026-01-01",
            "started_at_1": "10:00",
            "reason": "x",
        },
    )
    assert response.status_code == 200
    assert "allerede en aktiv tovholder" in response.content.decode()
    assert CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_admin_lists_follow_the_visibility_rule(client, case, organisation, make_user):
    staff_admin = make_user(role=Role.ADMINISTRATOR, organisation=organisation, is_staff=True)
    from django.contrib.auth.models import Permission

    staff_admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="borgerforloeb"))
    client.force_login(staff_admin)
    response = client.get(reverse("admin:borgerforloeb_case_changelist"))
    assert response.status_code == 200
    assert case.citizen.full_name not in response.content.decode()
    assert client.get(reverse("admin:borgerforloeb_case_change", args=[case.pk])).status_code in (302, 404)


@pytest.mark.django_db
def test_my_cases_lists_open_cases_before_closed_ones(
    client, coordinator, caseworker, municipality, voluntary
):
    closed = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    add_participant(actor=caseworker, case=closed, user=coordinator, role=Participant.Role.CONTACT)
    change_case_status(actor=caseworker, case=closed, status=Case.Status.CLOSED, closed_reason="Flyttet")
    paused = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    change_case_status(actor=caseworker, case=paused, status=Case.Status.PAUSED)
    open_case = make_case(municipality, actor=caseworker, coordinator=coordinator, coordinator_org=voluntary)
    client.force_login(coordinator)
    cases = list(client.get(reverse("borgerforloeb:my_cases")).context["cases"])
    assert cases == [open_case, paused, closed]


@pytest.mark.django_db
def test_citizen_edit_never_shows_the_cpr_and_keeps_it_when_left_empty(
    client, case, caseworker, municipality
):
    citizen = case.citizen
    client.force_login(caseworker)
    url = reverse("borgerforloeb:citizen_edit", args=[citizen.pk])
    html = client.get(url).content.decode()
    assert "0707614005" not in html and "070761-4005" not in html
    assert "070761-XXXX" in html  # in the help text
    data = citizen_data(
        municipality,
        full_name="Aviaja Lynge Olsen",
        date_of_birth="1961-07-07",
        contact_preference="not_by_phone",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.cpr == "0707614005" and citizen.full_name == "Aviaja Lynge Olsen"
    assert citizen.contact_preference == "not_by_phone"
    row = AuditEvent.objects.filter(object_id=str(citizen.pk), action="update").latest("at")
    assert row.changes["full_name"] == ["Aviaja Lynge", "Aviaja Lynge Olsen"]
    # A CPR that belongs to someone else is refused beside the field.
    make_citizen(municipality, actor=caseworker, cpr="150360-1008")
    response = client.post(url, {**data, "cpr": "150360-1008", "date_of_birth": ""})
    assert "findes allerede en borger" in response.context["form"].errors["cpr"][0]
    # A date of birth that contradicts the CPR number is refused.
    response = client.post(url, {**data, "date_of_birth": "1962-07-07"})
    assert "Fødselsdatoen passer ikke med CPR-nummeret." in response.context["form"].errors["date_of_birth"]


@pytest.mark.django_db
def test_citizen_edit_is_for_caseworkers_who_can_see_the_citizen(
    client, case, coordinator, make_user, other_municipality
):
    client.force_login(coordinator)
    assert client.get(reverse("borgerforloeb:citizen_edit", args=[case.citizen.pk])).status_code == 403
    outsider = make_user(
        role=Role.CASEWORKER, organisation=make_org(other_municipality, kind=Organisation.Kind.MUNICIPAL)
    )
    client.force_login(outsider)
    assert client.get(reverse("borgerforloeb:citizen_edit", args=[case.citizen.pk])).status_code == 404
