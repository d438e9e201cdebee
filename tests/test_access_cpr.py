"""CPR "show" on the citizen page is for the citizen's municipality's caseworkers only (on a case
page: whoever manages that case). A caseworker from another municipality who sees the citizen
through a case with consent must not get the CPR from the citizen page."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from tests.case_factories import make_case


@pytest.fixture
def visiting(world):
    """Odense's caseworker coordinates a case of the Aarhus citizen, covered by the citizen's consent."""
    make_case(
        world.municipality,
        actor=world.caseworker,
        citizen=world.citizen,
        coordinator=world.odense_caseworker,
        coordinator_org=world.odense,
    )
    return world.odense_caseworker


@pytest.mark.django_db
def test_other_municipality_caseworker_cannot_show_cpr_on_the_citizen_page(client, world, visiting):
    client.force_login(visiting)
    citizen = world.citizen
    page = client.get(reverse("borgerforloeb:citizen_detail", args=[citizen.pk]))
    assert page.status_code == 200  # visible through the case
    response = client.post(reverse("borgerforloeb:citizen_show_cpr", args=[citizen.pk]))
    assert response.status_code == 403
    assert "4005" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SHOW_CPR).exists()


@pytest.mark.django_db
def test_municipality_caseworker_can_show_cpr_on_the_citizen_page(client, world):
    client.force_login(world.caseworker)
    response = client.post(reverse("borgerforloeb:citizen_show_cpr", args=[world.citizen.pk]))
    assert response.status_code == 200 and "070761-4005" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SHOW_CPR, actor=world.caseworker).exists()
