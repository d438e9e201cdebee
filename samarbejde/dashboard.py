"""The small dashboard on a municipality page, filled by other apps without samarbejde importing them.

A provider is a callable ``provider(municipality, user) -> list of (label, value, url)``; ``url``
may be ``None``. Apps register theirs from ``AppConfig.ready()``::

    from samarbejde import dashboard
    dashboard.register(my_provider)

Providers decide what ``user`` may see; they should return ``[]`` for anonymous users or users
without access, and use a fixed number of queries.
"""

import logging
from typing import NamedTuple

logger = logging.getLogger(__name__)

_providers = []


class DashboardItem(NamedTuple):
    label: str
    value: object
    url: str | None = None


def register(provider):
    """Add ``provider`` (once); returns it, so it can be used as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider):
    if provider in _providers:
        _providers.remove(provider)


def providers():
    return list(_providers)


def items_for(municipality, user):
    """Everything the registered providers show ``user`` for ``municipality``."""
    items = []
    for provider in _providers:
        try:
            rows = provider(municipality, user) or []
        except Exception:
            logger.exception("Dashboard provider %r failed", provider)
            continue
        items.extend(DashboardItem(*row) for row in rows)
    return items
