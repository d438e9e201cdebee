"""Bad input: duplicate organisations and destructive deletes are refused (archive instead)."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.models import AuditEvent
from core.roles import Role
from samarbejde import services
from samarbejde.models import Membership, Organisation, Unit
from tilbud.models import Offer


@pytest.fixture
def admin(make_user, organisation):
    return make_user(role=Role.ADMINISTRATOR, organisation=organisation, is_staff=True)


@pytest.fixture
def provider(municipality):
    return Organisation.objects.create(name="Nuna Bosted ApS", municipality=municipality, kind="privat")


def test_duplicate_name_is_refused_with_a_link_to_the_existing(client, admin, municipality, organisation):
    client.force_login(admin)
    response = client.post(
        reverse("samarbejde:organisation_create", args=[municipality.slug]),
        {"name": "  aarhus kommune,   SOCIALFORVALTNINGEN ", "kind": "kommunal"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Organisationen findes allerede i denne kommune" in html
    assert f'href="{organisation.get_absolute_url()}"' in html
    assert Organisation.objects.filter(municipality=municipality).count() == 1


def test_same_name_in_another_municipality_is_fine(client, make_user, other_municipality, organisation):
    odense = Organisation.objects.create(
        name="Odense Kommune", municipality=other_municipality, kind="kommunal"
    )
    client.force_login(make_user(role=Role.ADMINISTRATOR, organisation=odense))
    response = client.post(
        reverse("samarbejde:organisation_create", args=[other_municipality.slug]),
        {"name": organisation.name, "kind": "kommunal"},
    )
    assert response.status_code == 302
    assert Organisation.objects.filter(name=organisation.name).count() == 2


def test_database_refuses_case_insensitive_duplicates(municipality, organisation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name=organisation.name.upper(), municipality=municipality, kind="privat")


def test_service_refuses_duplicate(admin, municipality, organisation):
    with pytest.raises(services.DuplicateOrganisation) as error:
        services.save_organisation(
            actor=admin,
            organisation=Organisation(),
            fields={"name": organisation.name.lower(), "kind": "privat", "municipality": municipality},
        )
    assert error.value.existing == organisation


def test_delete_refused_while_people_are_members(client, admin, organisation):
    client.force_login(admin)  # admin is a member of ``organisation``
    url = reverse("samarbejde:organisation_delete", args=["aarhus", organisation.pk])
    page = client.get(url).content.decode()
    assert "kan ikke slettes" in page and "Arkivér organisationen" in page
    response = client.post(url)
    assert response.status_code == 409
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    with pytest.raises(services.OrganisationInUse) as error:
        services.delete_organisation(actor=admin, organisation=organisation)
    assert error.value.blocking == {"medlemskaber": 1}
    assert not AuditEvent.objects.filter(action="delete").exists()


def test_delete_refused_while_offers_exist_and_archive_instead(client, admin, provider, municipality):
    Offer.objects.create(organisation=provider, name="Botilbud")
    client.force_login(admin)
    response = client.post(reverse("samarbejde:organisation_delete", args=["aarhus", provider.pk]))
    assert response.status_code == 409
    assert "1 tilbud" in response.content.decode()
    response = client.post(reverse("samarbejde:organisation_archive", args=["aarhus", provider.pk]))
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.archived_at is not None
    assert AuditEvent.objects.filter(action="archive", object_id=str(provider.pk)).exists()
    assert "Nuna Bosted" not in client.get(municipality.get_absolute_url()).content.decode()


def test_unused_organisation_is_deleted_with_its_units(client, admin, provider):
    Unit.objects.create(organisation=provider, name="Bostøtte")
    client.force_login(admin)
    response = client.post(reverse("samarbejde:organisation_delete", args=["aarhus", provider.pk]))
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=provider.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(provider.pk), actor=admin).exists()


class TestAdminDelete:
    def test_delete_view_refuses_and_points_to_archive(self, client, admin, provider, make_user):
        Membership.objects.create(user=make_user(), organisation=provider)
        client.force_login(admin)
        url = reverse("admin:samarbejde_organisation_delete", args=[provider.pk])
        response = client.post(url, {"post": "yes"}, follow=True)
        assert "kan ikke slettes" in response.content.decode()
        assert Organisation.objects.filter(pk=provider.pk).exists()

    def test_bulk_delete_action_refuses(self, client, admin, provider):
        Offer.objects.create(organisation=provider, name="Botilbud")
        client.force_login(admin)
        response = client.post(
            reverse("admin:samarbejde_organisation_changelist"),
            {"action": "delete_selected", "_selected_action": [provider.pk], "post": "yes"},
            follow=True,
        )
        assert response.status_code == 200
        assert Organisation.objects.filter(pk=provider.pk).exists()

    def test_archive_action(self, client, admin, provider):
        Offer.objects.create(organisation=provider, name="Botilbud")
        client.force_login(admin)
        client.post(
            reverse("admin:samarbejde_organisation_changelist"),
            {"action": "archive_selected", "_selected_action": [provider.pk]},
        )
        provider.refresh_from_db()
        assert provider.archived_at is not None
