"""The municipality page's dashboard shows case figures, counted only over cases the user may see."""

from datetime import timedelta

import pytest
from django.utils import timezone

from borgerforloeb.dashboard import case_figures
from borgerforloeb.services.tasks import create_task
from core.roles import Role
from tests.case_factories import make_case, make_org


@pytest.fixture(autouse=True)
def _case_without_coordinator_and_tasks(world):
    """A second case without a coordinator; one overdue and one upcoming task on the first."""
    make_case(world.municipality, actor=world.caseworker)
    for title, days in (("Ring til borgeren", -2), ("Bestil tolk", 2)):
        create_task(
            actor=world.caseworker,
            case=world.case,
            title=title,
            responsible=world.coordinator,
            due_date=timezone.localdate() + timedelta(days=days),
        )


def figures(municipality, user):
    return {label: value for label, value, _ in case_figures(municipality, user)}


@pytest.mark.django_db
def test_caseworker_sees_the_municipality_figures(world, municipality):
    assert figures(municipality, world.caseworker) == {
        "Aktive forløb": 2,
        "Forløb uden aktiv tovholder": 1,
        "Overskredne opgaver": 1,
    }


@pytest.mark.django_db
def test_figures_count_only_visible_cases(world, municipality, make_user):
    assert figures(municipality, world.coordinator)["Aktive forløb"] == 1
    outsider = make_user(role=Role.VOLUNTEER, organisation=make_org(municipality))
    assert set(figures(municipality, outsider).values()) == {0}
    from django.contrib.auth.models import AnonymousUser

    assert case_figures(municipality, AnonymousUser()) == []


@pytest.mark.django_db
def test_municipality_page_shows_the_figures(world, municipality, client):
    client.force_login(world.caseworker)
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert "Forløb uden aktiv tovholder" in html
    assert "Overskredne opgaver" in html
