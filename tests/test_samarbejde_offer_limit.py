"""A big city's page lists the first offers and links to the directory for the rest."""

import pytest

from tilbud.models import Offer


@pytest.mark.django_db
def test_municipality_page_lists_twenty_offers_and_links_to_all(client, municipality, organisation):
    for number in range(25):
        offer = Offer.objects.create(organisation=organisation, name=f"Værested {number:02d}")
        offer.municipalities.add(municipality)
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert "Værested 19" in html
    assert "Værested 20" not in html
    assert f"/tilbud/?municipality={municipality.slug}" in html
    assert "Se alle 25 tilbud" in html
