"""The citizen's access request: everything about one citizen as JSON and as a readable page;
only the citizen's municipality's caseworkers may export; every export is audited."""

import json

import pytest
from django.urls import reverse

from borgerforloeb.models import Case
from borgerforloeb.services.plan import new_plan_version, save_plan_version
from borgerforloeb.services.tasks import create_task
from core.models import AuditEvent


@pytest.fixture
def world_options():
    return {
        "people": {"coordinator": {"full_name": "Nuka Tovholder"}},
        "citizen": {
            "full_name": "Aviaja Lynge",
            "phone": "+45 2233 4455",
            "what_matters": "At se mine børn hver uge.",
        },
    }


@pytest.fixture(autouse=True)
def _task_and_plan(world):
    caseworker, case = world.caseworker, world.case
    create_task(actor=caseworker, case=case, title="Ring til boligselskabet", responsible=world.coordinator)
    version = new_plan_version(actor=caseworker, case=case)
    save_plan_version(
        actor=caseworker,
        version=version,
        lock_version=version.lock_version,
        purpose="Egen bolig inden sommer",
        goals=[{"text": "Jeg vil have min egen lejlighed"}],
    )


def export_urls(citizen):
    return (
        reverse("borgerforloeb:citizen_export", args=[citizen.pk]),
        reverse("borgerforloeb:citizen_export_json", args=[citizen.pk]),
    )


@pytest.mark.django_db
def test_json_export_holds_everything_about_the_citizen(client, world):
    citizen = world.citizen
    client.force_login(world.caseworker)
    response = client.get(export_urls(citizen)[1], REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    sections = data["sections"]
    assert sections["citizen"][0]["full_name"] == "Aviaja Lynge"
    assert sections["citizen"][0]["cpr"] == "0707614005"  # the citizen's own data, in full
    assert sections["citizen"][0]["what_matters"] == "At se mine børn hver uge."
    assert [c["summary"] for c in sections["cases"]] == [world.case.summary]
    assert sections["tasks"][0]["title"] == "Ring til boligselskabet"
    assert sections["goals"][0]["text"] == "Jeg vil have min egen lejlighed"
    assert sections["plan_versions"][0]["purpose"] == "Egen bolig inden sommer"
    assert sections["consents"] and sections["coordinators"][0]["person"] == "Nuka Tovholder"
    assert any(row["action"] == "Oprettet" for row in sections["access_log"])
    assert sections["timeline"]
    assert "token_hash" not in json.dumps(sections)


@pytest.mark.django_db
def test_export_is_audited(client, world):
    citizen = world.citizen
    client.force_login(world.caseworker)
    html_url, json_url = export_urls(citizen)
    client.get(html_url, REMOTE_ADDR="10.3.3.3")
    client.get(json_url, REMOTE_ADDR="10.3.3.4")
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, object_type="borgerforloeb.citizen", object_id=str(citizen.pk)
    ).order_by("id")
    assert [(e.actor, e.ip_address, e.note) for e in events] == [
        (world.caseworker, "10.3.3.3", "html"),
        (world.caseworker, "10.3.3.4", "json"),
    ]
    # Shown on the case's access log.
    html = client.get(reverse("borgerforloeb:case_access_log", args=[world.case.pk])).content.decode()
    assert "Eksporteret" in html and "Indsigt (JSON)" in html


@pytest.mark.django_db
def test_readable_page_has_sections_and_print_css(client, world):
    client.force_login(world.caseworker)
    response = client.get(export_urls(world.citizen)[0])
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Indsigt: borgerens oplysninger",
        "Aviaja Lynge",
        "Ring til boligselskabet",
        "Samtykker",
        "css/access.css",
        "Udskriv / gem som PDF",
    ]:
        assert text in html, text
    assert "<script>" not in html and "style=" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("coordinator", 403), ("outsider", 404)])
def test_only_the_municipality_caseworkers_may_export(client, world, who, status):
    client.force_login(getattr(world, who))
    for url in export_urls(world.citizen):
        assert client.get(url).status_code == status
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


@pytest.mark.django_db
def test_anonymous_export_goes_to_login(client, world):
    for url in export_urls(world.citizen):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_export_holds_only_the_cases_the_exporter_may_see(client, world, other_municipality):
    # The same citizen also has a case in Odense (written directly: the services open a case
    # only in the citizen's own municipality): Aarhus answers for Aarhus' cases only.
    Case.objects.create(
        citizen=world.citizen,
        municipality=other_municipality,
        summary="Odense-forløbets hemmelige beskrivelse",
    )
    client.force_login(world.caseworker)
    body = client.get(export_urls(world.citizen)[1]).content.decode()
    data = json.loads(body)
    assert [c["summary"] for c in data["sections"]["cases"]] == [world.case.summary]
    assert "Odense-forløbets hemmelige beskrivelse" not in body
