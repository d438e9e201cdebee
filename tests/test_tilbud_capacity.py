"""Vacant places: a "ledige pladser" facet in the directory and the HSDS API, and every path that
changes capacity (provider form, admin, CSV import) stamps when and by whom."""

import pytest
from django.urls import reverse

from core.roles import Role
from tests.tilbud_factories import OfferFactory, OrganisationFactory
from tilbud import csv_io
from tilbud.models import Offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers():
    org = OrganisationFactory()
    full = OfferFactory(name="Fuldt herberg", organisation=org, capacity_available=0, capacity_maximum=10)
    vacant = OfferFactory(name="Ledigt herberg", organisation=org, capacity_available=2, capacity_maximum=10)
    unknown = OfferFactory(name="Ukendt herberg", organisation=org)
    return {"full": full, "vacant": vacant, "unknown": unknown, "org": org}


def test_directory_facet_counts_and_filters_vacant_places(client, offers):
    response = client.get("/tilbud/")
    flags = {f["name"]: f for f in response.context["facets"]["flags"]}
    assert flags["vacant"]["count"] == 1
    response = client.get("/tilbud/", {"vacant": "true"})
    assert [o.name for o in response.context["page"]] == ["Ledigt herberg"]


def test_hsds_api_filters_vacant_places(client, offers):
    data = client.get("/api/hsds/services", {"vacant": "true"}).json()
    assert [s["name"] for s in data["contents"]] == ["Ledigt herberg"]


def test_csv_import_stamps_capacity_change(offers, make_user):
    importer = make_user(role=Role.ADMINISTRATOR)
    text = csv_io.export_csv(Offer.objects.filter(pk=offers["full"].pk))
    assert csv_io.import_csv(text, actor=importer).unchanged == 1
    offers["full"].refresh_from_db()
    assert offers["full"].capacity_updated_by is None
    text = text.replace(";0;10;", ";3;10;")
    assert csv_io.import_csv(text, actor=importer).updated == 1
    offers["full"].refresh_from_db()
    assert offers["full"].capacity_available == 3
    assert offers["full"].capacity_updated_by == importer and offers["full"].capacity_updated_at is not None


def test_admin_stamps_capacity_change(client, offers, make_user):
    admin_user = make_user(is_superuser=True, is_staff=True)
    offer = offers["vacant"]
    client.force_login(admin_user)
    url = reverse("admin:tilbud_offer_change", args=[offer.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    offer.stamp_capacity(admin_user, (offer.capacity_available, offer.capacity_maximum))
    assert offer.capacity_updated_at is None  # unchanged places stamp nothing
    offer.capacity_available = 1
    assert offer.stamp_capacity(admin_user, (2, 10)) and offer.capacity_updated_by == admin_user
    assert data  # the admin form loads; its save_model calls stamp_capacity with the form's initial
