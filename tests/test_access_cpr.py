"""CPR "show" on the citizen page is for the citizen's municipality's caseworkers only (on a case
page: whoever manages that case). A caseworker from another municipality who sees the citizen
through a case with consent must not get the CPR from the citizen page."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.roles import Role
from samarbejde.models import Organisation
from tests.case_factories import make_case, make_citizen, make_org


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(municipality, other_municipality, organisation, make_user):
    odense = make_org(other_municipality, kind=Organisation.Kind.MUNICIPAL, name="Odense Kommune")
    visiting = make_user(role=Role.CASEWORKER, organisation=odense, full_name="Ole Odense")
    caseworker = make_user(role=Role.CASEWORKER, organisation=organisation)
    citizen = make_citizen(municipality, actor=caseworker, full_name="Aviaja Lynge", cpr="070761-4005")
    # Odense's caseworker is the coordinator, covered by the citizen's consent.
    case = make_case(
        municipality, actor=caseworker, citizen=citizen, coordinator=visiting, coordinator_org=odense
    )
    return {"case": case, "citizen": citizen, "visiting": visiting, "caseworker": caseworker}


@pytest.mark.django_db
def test_other_municipality_caseworker_cannot_show_cpr_on_the_citizen_page(client, world):
    client.force_login(world["visiting"])
    citizen = world["citizen"]
    page = client.get(reverse("borgerforloeb:citizen_detail", args=[citizen.pk]))
    assert page.status_code == 200  # visible through the case
    response = client.post(reverse("borgerforloeb:citizen_show_cpr", args=[citizen.pk]))
    assert response.status_code == 403
    assert "4005" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SHOW_CPR).exists()


@pytest.mark.django_db
def test_municipality_caseworker_can_show_cpr_on_the_citizen_page(client, world):
    client.force_login(world["caseworker"])
    response = client.post(reverse("borgerforloeb:citizen_show_cpr", args=[world["citizen"].pk]))
    assert response.status_code == 200 and "070761-4005" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SHOW_CPR, actor=world["caseworker"]).exists()
