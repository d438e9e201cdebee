"""The municipality page's dashboard shows case figures, counted only over cases the user may see."""

from datetime import timedelta

import pytest
from django.utils import timezone

from borgerforloeb import services
from borgerforloeb.dashboard import case_figures
from core.roles import Role
from samarbejde.models import Organisation
from tests.case_factories import make_case, make_org


@pytest.fixture
def world(municipality, make_user):
    town_hall = make_org(municipality, kind=Organisation.Kind.MUNICIPAL, name="Aarhus Kommune")
    house = make_org(municipality, name="Det Grønlandske Hus, Aarhus")
    caseworker = make_user(role=Role.CASEWORKER, organisation=town_hall)
    coordinator = make_user(role=Role.COORDINATOR, organisation=house)
    with_coordinator = make_case(
        municipality, actor=caseworker, coordinator=coordinator, coordinator_org=house
    )
    make_case(municipality, actor=caseworker)  # no coordinator yet
    services.create_task(
        actor=caseworker,
        case=with_coordinator,
        title="Ring til borgeren",
        responsible=coordinator,
        due_date=timezone.localdate() - timedelta(days=2),
    )
    services.create_task(
        actor=caseworker,
        case=with_coordinator,
        title="Bestil tolk",
        responsible=coordinator,
        due_date=timezone.localdate() + timedelta(days=2),
    )
    return {"caseworker": caseworker, "coordinator": coordinator}


def figures(municipality, user):
    return {label: value for label, value, _ in case_figures(municipality, user)}


@pytest.mark.django_db
def test_caseworker_sees_the_municipality_figures(world, municipality):
    assert figures(municipality, world["caseworker"]) == {
        "Aktive forløb": 2,
        "Forløb uden aktiv tovholder": 1,
        "Overskredne opgaver": 1,
    }


@pytest.mark.django_db
def test_figures_count_only_visible_cases(world, municipality, make_user):
    assert figures(municipality, world["coordinator"])["Aktive forløb"] == 1
    outsider = make_user(role=Role.VOLUNTEER, organisation=make_org(municipality))
    assert set(figures(municipality, outsider).values()) == {0}
    from django.contrib.auth.models import AnonymousUser

    assert case_figures(municipality, AnonymousUser()) == []


@pytest.mark.django_db
def test_municipality_page_shows_the_figures(world, municipality, client):
    client.force_login(world["caseworker"])
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert "Forløb uden aktiv tovholder" in html
    assert "Overskredne opgaver" in html
