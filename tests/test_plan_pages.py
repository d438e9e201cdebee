"""Plan pages: versions and acceptance, optimistic locking, compare, the printable plan."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from borgerforloeb.models import Goal, PlanVersion
from borgerforloeb.services.plan import accept_plan_version, new_plan_version, save_plan_version
from core.models import AuditEvent
from core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world_options():
    return {"citizen": {"preferred_language": "kl"}}


def _plan_post(version, **overrides):
    data = {
        "purpose": "Stabil bolig",
        "efforts": "Bostøtte",
        "expected_duration": "6 måneder",
        "other_matters": "Intern note om netværket",
        "next_review": "2027-06-01",
        "lock_version": version.lock_version,
        "goals-TOTAL_FORMS": "2",
        "goals-INITIAL_FORMS": "0",
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "1000",
        "goals-0-text": "Jeg vil have min egen lejlighed",
        "goals-0-who_helps": "Tove og boligsocial medarbejder",
        "goals-1-text": "",
        "goals-1-who_helps": "",
    }
    data.update(overrides)
    return data


def test_create_edit_accept_and_supersede_via_pages(client, world):
    client.force_login(world.caseworker)
    response = client.post(reverse("borgerforloeb:plan_new_version", args=[world.case.pk]))
    version = PlanVersion.objects.get(plan__case=world.case)
    assert response["Location"] == reverse("borgerforloeb:plan_edit", args=[world.case.pk, 1])
    assert client.get(response["Location"]).status_code == 200

    response = client.post(reverse("borgerforloeb:plan_edit", args=[world.case.pk, 1]), _plan_post(version))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.purpose == "Stabil bolig" and version.lock_version == 2
    assert [g.text for g in version.goals.all()] == ["Jeg vil have min egen lejlighed"]

    # Acceptance: interpreter participation needs the interpreter's name (message beside the field).
    url = reverse("borgerforloeb:plan_accept", args=[world.case.pk, 1])
    response = client.post(url, {"citizen_participation": "interpreter", "lock_version": 2})
    assert response.status_code == 200
    assert "Skriv tolkens navn" in response.content.decode()
    response = client.post(
        url,
        {
            "citizen_participation": "interpreter",
            "interpreter_name": "Pipaluk Tolk",
            "participants": [world.coordinator.pk],
            "lock_version": 2,
        },
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.ACCEPTED
    assert version.acceptance.interpreter_name == "Pipaluk Tolk"
    assert list(version.acceptance.participants.all()) == [world.coordinator]

    # A new version copies the accepted one and is a draft; accepting it supersedes version 1.
    client.post(reverse("borgerforloeb:plan_new_version", args=[world.case.pk]))
    v2 = PlanVersion.objects.get(plan__case=world.case, number=2)
    assert v2.status == PlanVersion.Status.DRAFT and v2.purpose == "Stabil bolig"
    assert v2.goals.count() == 1
    client.post(
        reverse("borgerforloeb:plan_accept", args=[world.case.pk, 2]),
        {"citizen_participation": "present", "lock_version": v2.lock_version},
    )
    version.refresh_from_db()
    v2.refresh_from_db()
    assert (version.status, v2.status) == (PlanVersion.Status.SUPERSEDED, PlanVersion.Status.ACCEPTED)

    # Earlier versions stay readable; an accepted version can no longer be edited.
    body = client.get(reverse("borgerforloeb:plan_version", args=[world.case.pk, 1])).content.decode()
    assert "Jeg vil have min egen lejlighed" in body and "Erstattet" in body
    response = client.get(reverse("borgerforloeb:plan_edit", args=[world.case.pk, 1]))
    assert response.status_code == 302
    page = client.get(reverse("borgerforloeb:plan_detail", args=[world.case.pk])).content.decode()
    assert "Version 2" in page and "Version 1" in page
    assert world.case.timeline.filter(kind="plan").count() >= 4


def test_stale_save_is_refused_and_keeps_the_input(client, world):
    version = new_plan_version(actor=world.caseworker, case=world.case)
    loaded = version.lock_version
    # Someone else saves first.
    save_plan_version(
        actor=world.coordinator, version=version, lock_version=loaded, purpose="Tovholderens tekst"
    )
    client.force_login(world.caseworker)
    response = client.post(
        reverse("borgerforloeb:plan_edit", args=[world.case.pk, version.number]),
        _plan_post(version, lock_version=loaded, purpose="Min egen tekst", **{"goals-0-text": "Mit mål"}),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "gemt af en anden" in body
    assert "Min egen tekst" in body and "Mit mål" in body  # the user's input is kept
    version.refresh_from_db()
    assert version.purpose == "Tovholderens tekst"  # nothing overwritten
    assert not Goal.objects.filter(version=version).exists()


def test_goal_who_helps_without_text_has_message_beside_field(client, world):
    version = new_plan_version(actor=world.caseworker, case=world.case)
    client.force_login(world.caseworker)
    response = client.post(
        reverse("borgerforloeb:plan_edit", args=[world.case.pk, 1]),
        _plan_post(version, **{"goals-0-text": "", "goals-0-who_helps": "Tove", "next_review": "xx"}),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Skriv målet med borgerens egne ord" in body and "Skriv en gyldig dato." in body
    assert 'value="Tove"' in body


def test_compare_view_shows_changed_fields_and_goals(client, world):
    v1 = new_plan_version(actor=world.caseworker, case=world.case)
    save_plan_version(
        actor=world.caseworker,
        version=v1,
        lock_version=v1.lock_version,
        purpose="Gammelt formål",
        goals=[{"text": "Lære at cykle", "who_helps": ""}],
    )
    accept_plan_version(actor=world.caseworker, version=v1, citizen_participation="present")
    v2 = new_plan_version(actor=world.caseworker, case=world.case)
    save_plan_version(
        actor=world.caseworker,
        version=v2,
        lock_version=v2.lock_version,
        purpose="Nyt formål",
        goals=[{"text": "Lære at cykle", "who_helps": ""}, {"text": "Få et job", "who_helps": "Jobcentret"}],
    )
    client.force_login(world.coordinator)
    response = client.get(reverse("borgerforloeb:plan_compare", args=[world.case.pk]), {"gammel": 1, "ny": 2})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<del>Gammelt formål</del>" in body and "<ins>Nyt formål</ins>" in body
    assert "<ins>Få et job – Jobcentret</ins>" in body
    assert "Lære at cykle" in body and "<del>Lære at cykle</del>" not in body


def test_printable_plan_both_variants(client, world):
    v1 = new_plan_version(actor=world.caseworker, case=world.case)
    save_plan_version(
        actor=world.caseworker,
        version=v1,
        lock_version=v1.lock_version,
        purpose="Egen bolig",
        goals=[{"text": "Jeg vil se mine børn hver uge", "who_helps": "Tove"}],
    )
    accept_plan_version(
        actor=world.caseworker,
        version=v1,
        citizen_participation="phone",
        note="Intern bemærkning 123",
        participants=[world.coordinator],
    )
    client.force_login(world.caseworker)
    url = reverse("borgerforloeb:plan_print", args=[world.case.pk, 1])
    staff = client.get(url)
    body = staff.content.decode()
    assert staff.status_code == 200
    assert "css/print.css" in body and "Jeg vil se mine børn hver uge" in body
    assert "Intern bemærkning 123" in body and "Plan for Naja Rosing Kleist" in body
    assert '<html lang="da"' in body

    take_home = client.get(url, {"udgave": "borger"})
    body = take_home.content.decode()
    assert take_home.status_code == 200
    assert "Jeg vil se mine børn hver uge" in body
    assert "Intern bemærkning 123" not in body and "Registreret af" not in body
    assert "Naja Rosing Kleist" in body  # the title is in the citizen's language (kalaallisut here)
    assert '<html lang="kl"' in body  # in the citizen's language (kalaallisut)
    assert AuditEvent.objects.filter(note="plan_print_citizen", case_id=world.case.pk).exists()


def test_outsider_gets_404_on_every_plan_page(client, world):
    new_plan_version(actor=world.caseworker, case=world.case)
    client.force_login(world.outsider)
    pk = world.case.pk
    for name, args in [
        ("plan_detail", [pk]),
        ("plan_compare", [pk]),
        ("plan_version", [pk, 1]),
        ("plan_edit", [pk, 1]),
        ("plan_accept", [pk, 1]),
        ("plan_print", [pk, 1]),
    ]:
        assert client.get(reverse(f"borgerforloeb:{name}", args=args)).status_code == 404, name
    assert client.post(reverse("borgerforloeb:plan_new_version", args=[pk])).status_code == 404


def test_volunteer_without_management_right_cannot_edit(client, world, make_user):
    from borgerforloeb.models import Participant

    volunteer = make_user(role=Role.VOLUNTEER, organisation=world.voluntary)
    Participant.objects.create(
        case=world.case, user=volunteer, organisation=world.voluntary, role="volunteer"
    )
    new_plan_version(actor=world.caseworker, case=world.case)
    client.force_login(volunteer)
    assert client.get(reverse("borgerforloeb:plan_detail", args=[world.case.pk])).status_code == 200
    assert client.get(reverse("borgerforloeb:plan_edit", args=[world.case.pk, 1])).status_code == 403


def test_plan_detail_has_a_fixed_number_of_queries(client, world):
    client.force_login(world.caseworker)
    url = reverse("borgerforloeb:plan_detail", args=[world.case.pk])

    def add_versions(n):
        for _i in range(n):
            v = new_plan_version(actor=world.caseworker, case=world.case)
            save_plan_version(
                actor=world.caseworker,
                version=v,
                lock_version=v.lock_version,
                goals=[{"text": "Mål A"}, {"text": "Mål B"}],
            )
            accept_plan_version(actor=world.caseworker, version=v, citizen_participation="present")

    add_versions(2)
    new_plan_version(actor=world.caseworker, case=world.case)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    PlanVersion.objects.filter(plan__case=world.case, status="draft").delete()
    add_versions(10)
    new_plan_version(actor=world.caseworker, case=world.case)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_accepting_a_version_changed_since_it_was_loaded_is_refused(client, world):
    version = new_plan_version(actor=world.caseworker, case=world.case)
    loaded = version.lock_version
    save_plan_version(actor=world.coordinator, version=version, lock_version=loaded, purpose="Ændret")
    client.force_login(world.caseworker)
    response = client.post(
        reverse("borgerforloeb:plan_accept", args=[world.case.pk, version.number]),
        {"citizen_participation": "present", "lock_version": loaded, "note": "Min bemærkning"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "gemt af en anden" in body and "Min bemærkning" in body
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.DRAFT
