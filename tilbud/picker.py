"""The offer picker: the directory's Danish, typo-tolerant search over the offers a user may
see, a few at a time. Fixed number of queries whatever the directory's size (the similar-word
lookup, the ranked top few, and the chosen offer when it is not among them); never all offers.
The ranking is a cached answer until the directory changes (``tilbud/answers.py``)."""

from __future__ import annotations

from tilbud.answers import answer
from tilbud.models import Offer
from tilbud.search import Search

LIMIT = 10


def pickable(user):
    """Listed offers the user may see, of organisations not archived."""
    return Offer.objects.visible_to(user).listed().filter(organisation__archived_at__isnull=True)


def choose(user, q: str = "", selected=None, limit: int = LIMIT) -> list[Offer]:
    """The chosen offer (if any, first) and the best matches for ``q`` (none without a text)."""
    offers: list[Offer] = []
    if selected:
        offers += list(pickable(user).filter(pk=selected).select_related("organisation")[:1])
    search = Search(q or "")
    if search:
        ranked = answer(
            ("picker", search.q, limit),
            lambda: list(search.rank(search.filter(pickable(user))).values_list("pk", flat=True)[:limit]),
            signed_in=user.is_authenticated and user.is_active,
        )
        rows = pickable(user).filter(pk__in=ranked).select_related("organisation")
        found = {offer.pk: offer for offer in rows}
        offers += [found[pk] for pk in ranked if pk in found and found[pk] not in offers]
    return offers
