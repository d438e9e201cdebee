"""The offers the framework's pages list and count, supplied by the app that owns offers.

samarbejde never imports the offer directory (``tilbud`` imports samarbejde, not the other way
round). The directory registers one source from its ``AppConfig.ready()``::

    from samarbejde import offers
    offers.register(MyOfferSource())

A source has three methods, each returning a queryset of offers:

- ``shown_to(user)``: every offer the municipality and organisation pages may show ``user``
  (the directory's own visibility rule and its idea of "still in use");
- ``in_municipality(offers, municipality)``: those of ``offers`` serving ``municipality``
  (a Municipality or an ``OuterRef`` to one, so the count can be a subquery);
- ``of_organisation(offers, organisation)``: those of ``offers`` run by ``organisation``.

Without a source the pages show no offers and count none.
"""

_sources = []


def register(source):
    """Make ``source`` the one offer source (replacing any earlier one); returns it."""
    _sources[:] = [source]
    return source


def unregister(source):
    if source in _sources:
        _sources.remove(source)


def source():
    """The registered source, or None."""
    return _sources[0] if _sources else None


def in_municipality(user, municipality):
    """The offers serving ``municipality`` that its page shows ``user``; None without a source."""
    src = source()
    if src is None:
        return None
    return src.in_municipality(src.shown_to(user), municipality)


def of_organisation(user, organisation):
    """The offers of ``organisation`` that its page shows ``user``; None without a source."""
    src = source()
    if src is None:
        return None
    return src.of_organisation(src.shown_to(user), organisation)
