"""What the offer directory gives the framework's pages (samarbejde), registered in ``TilbudConfig.ready``.

samarbejde never imports tilbud; it asks the sources registered with it:

- :class:`FrameworkOffers` (``samarbejde.offers``): the offers a municipality's or an
  organisation's page lists and counts;
- :func:`offers_needing_verification` (``samarbejde.dashboard``): the dashboard figure of offers
  whose information needs verifying (a cached directory answer, ``tilbud/answers.py``).
"""

from django.utils.translation import gettext as _

from tilbud.answers import answer
from tilbud.models import Offer


class FrameworkOffers:
    """The offers on the framework's pages: not closed down, through the directory's visibility rule."""

    def shown_to(self, user):
        return Offer.objects.exclude(status=Offer.Status.DEFUNCT).visible_to(user)

    def in_municipality(self, offers, municipality):
        return offers.filter(municipalities=municipality)

    def of_organisation(self, offers, organisation):
        return offers.filter(organisation=organisation)


framework_offers = FrameworkOffers()


def offers_needing_verification(municipality, user):
    """Offers in the municipality whose information needs verifying (signed-in users only)."""
    if not getattr(user, "is_authenticated", False):
        return []
    count = answer(
        ("needing_verification", municipality.pk),
        Offer.objects.filter(municipalities=municipality).needing_verification().count,
        signed_in=True,
    )
    return [(_("Tilbud der skal verificeres"), count, None)]
