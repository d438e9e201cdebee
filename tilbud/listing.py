"""The rows of the directory's result list: exactly what the list shows of each offer, one query."""

import dataclasses
import datetime
import uuid
from types import SimpleNamespace

from django.db import models
from django.urls import reverse

from core.replica import read_connection
from tilbud.models import is_stale, opening_state

# One page of offers in the order given (an array of ids), with the organisation's name, the
# municipalities' names (in name order) and the opening hours (for "open now").
_PAGE_SQL = """
SELECT o.id, o.name, o.description, o.status, o.walk_in, o.referral_required,
    o.greenlandic_speaking_staff, o.interpreter_available, o.free, o.internal, o.assured_date,
    org.name,
    ARRAY(
        SELECT m.name FROM tilbud_offer_municipalities om
        JOIN samarbejde_municipality m ON m.id = om.municipality_id
        WHERE om.offer_id = o.id ORDER BY m.name, m.id
    ),
    (
        SELECT json_agg(json_build_object(
            'weekday', s.weekday, 'opens_at', s.opens_at, 'closes_at', s.closes_at
        ))
        FROM tilbud_schedule s WHERE s.offer_id = o.id
    ),
    (
        SELECT json_agg(json_build_object(
            'date', e.date, 'closed', e.closed, 'opens_at', e.opens_at, 'closes_at', e.closes_at
        ))
        FROM tilbud_scheduleexception e WHERE e.offer_id = o.id
    )
FROM unnest({ids}) WITH ORDINALITY AS page(id, position)
JOIN tilbud_offer o ON o.id = page.id
JOIN samarbejde_organisation org ON org.id = o.organisation_id
ORDER BY page.position
"""


@dataclasses.dataclass
class ListedOffer:
    pk: uuid.UUID
    name: str
    description: str
    status: str
    walk_in: bool
    referral_required: bool
    greenlandic_speaking_staff: bool
    interpreter_available: bool
    free: bool
    internal: bool
    assured_date: datetime.date | None
    organisation_name: str
    municipality_names: list[str]
    open_state: tuple

    def get_absolute_url(self):
        return reverse("tilbud:offer_detail", kwargs={"pk": self.pk})

    @property
    def is_stale(self):
        return is_stale(self.assured_date)


def _time(value):
    return datetime.time.fromisoformat(value) if value else None


def _hours(rows, **parse):
    return [
        SimpleNamespace(**{key: parse.get(key, lambda v: v)(value) for key, value in row.items()})
        for row in rows or []
    ]


def listed_offers(ids, now) -> list[ListedOffer]:
    """The offers with these ids, in that order (a list of ids, or a values("pk") queryset whose
    order is kept), as the result list shows them at ``now``."""
    if isinstance(ids, models.QuerySet):
        sql, params = ids.query.sql_with_params()
        array = f"ARRAY({sql})"
    else:
        array, params = "%s::uuid[]", ([str(pk) for pk in ids],)
    with read_connection().cursor() as cursor:
        cursor.execute(_PAGE_SQL.format(ids=array), params)
        rows = cursor.fetchall()
    offers = []
    for *fields, schedules, exceptions in rows:
        weekly = _hours(schedules, opens_at=_time, closes_at=_time)
        special = _hours(exceptions, date=datetime.date.fromisoformat, opens_at=_time, closes_at=_time)
        offers.append(ListedOffer(*fields, open_state=opening_state(now, weekly, special)))
    return offers
