"""Django admin obeys the visibility rule for every staff user who is not a superuser."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.models import AuditEvent
from tests.case_factories import make_case, make_citizen


@pytest.fixture
def world_options():
    return {
        "people": {"caseworker": {"is_staff": True}, "odense_caseworker": {"is_staff": True}},
        "citizen": {"full_name": "Aarhus Borgersen"},
    }


@pytest.fixture(autouse=True)
def _staff_with_view_permissions_and_an_odense_case(world):
    view_perms = Permission.objects.filter(
        content_type__app_label__in=["borgerforloeb", "core"], codename__startswith="view_"
    )
    for user in (world.caseworker, world.odense_caseworker):
        user.user_permissions.set(view_perms)
    odense_staff = world.odense_caseworker
    world.odense_case = make_case(
        world.other_municipality,
        actor=odense_staff,
        citizen=make_citizen(world.other_municipality, actor=odense_staff, full_name="Odense Borgersen"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changelist",
    [
        "admin:borgerforloeb_case_changelist",
        "admin:borgerforloeb_citizen_changelist",
        "admin:borgerforloeb_consent_changelist",
        "admin:borgerforloeb_timelineevent_changelist",
        "admin:borgerforloeb_attentionpoint_changelist",
        "admin:core_auditevent_changelist",
    ],
)
def test_changelists_show_only_visible_rows(client, world, changelist):
    client.force_login(world.caseworker)
    response = client.get(reverse(changelist))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Odense Borgersen" not in html
    if "consent" not in changelist:
        assert "Aarhus Borgersen" in html


@pytest.mark.django_db
def test_other_municipality_case_change_page_is_404(client, world):
    client.force_login(world.caseworker)
    url = reverse("admin:borgerforloeb_case_change", args=[world.odense_case.pk])
    assert client.get(url).status_code in (302, 404)  # admin redirects "not found" to the index
    assert "Odense Borgersen" not in client.get(url, follow=True).content.decode()


@pytest.mark.django_db
def test_audit_admin_shows_staff_only_their_own_rows(client, world):
    client.force_login(world.caseworker)
    response = client.get(reverse("admin:core_auditevent_changelist"))
    shown = list(response.context["cl"].queryset)
    assert shown and all(event.actor == world.caseworker for event in shown)
    assert AuditEvent.objects.exclude(actor=world.caseworker).exists()
