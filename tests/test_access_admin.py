"""Django admin obeys the visibility rule for every staff user who is not a superuser."""

import pytest
from django.contrib.auth.models import Permission
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
    odense_org = make_org(other_municipality, kind=Organisation.Kind.MUNICIPAL, name="Odense Kommune")
    aarhus_staff = make_user(role=Role.CASEWORKER, organisation=organisation, is_staff=True)
    odense_staff = make_user(role=Role.CASEWORKER, organisation=odense_org, is_staff=True)
    view_perms = Permission.objects.filter(
        content_type__app_label__in=["borgerforloeb", "core"], codename__startswith="view_"
    )
    for user in (aarhus_staff, odense_staff):
        user.user_permissions.set(view_perms)
    aarhus_case = make_case(
        municipality,
        actor=aarhus_staff,
        citizen=make_citizen(municipality, actor=aarhus_staff, full_name="Aarhus Borgersen"),
    )
    odense_case = make_case(
        other_municipality,
        actor=odense_staff,
        citizen=make_citizen(other_municipality, actor=odense_staff, full_name="Odense Borgersen"),
    )
    return {
        "aarhus": aarhus_staff,
        "odense": odense_staff,
        "aarhus_case": aarhus_case,
        "odense_case": odense_case,
    }


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
    client.force_login(world["aarhus"])
    response = client.get(reverse(changelist))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Odense Borgersen" not in html
    if "consent" not in changelist:
        assert "Aarhus Borgersen" in html


@pytest.mark.django_db
def test_other_municipality_case_change_page_is_404(client, world):
    client.force_login(world["aarhus"])
    url = reverse("admin:borgerforloeb_case_change", args=[world["odense_case"].pk])
    assert client.get(url).status_code in (302, 404)  # admin redirects "not found" to the index
    assert "Odense Borgersen" not in client.get(url, follow=True).content.decode()


@pytest.mark.django_db
def test_audit_admin_shows_staff_only_their_own_rows(client, world):
    client.force_login(world["aarhus"])
    response = client.get(reverse("admin:core_auditevent_changelist"))
    shown = list(response.context["cl"].queryset)
    assert shown and all(event.actor == world["aarhus"] for event in shown)
    assert AuditEvent.objects.exclude(actor=world["aarhus"]).exists()
