"""A page of a list in one statement, compiled once per process.

Django's paginator runs two statements (the count and the page), and both are compiled from the
queryset on every request, though their SQL depends only on who asks and which list. ``page_of``
compiles the list once per ``key`` into one statement that counts the rows and reads the page's
rows as JSON (``core.rows.Rows``: only the fields named, related objects cached on each
instance), and returns a Django ``Page`` of model instances, so templates use them as before.

The key must name everything the compiled SQL holds as a value: the user (``user_key``), the
list's options and the day when the query compares with today.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F
from django.db.models.functions import JSONObject

from core.roles import Role
from core.rows import Rows

_COMPILED: OrderedDict = OrderedDict()
COMPILED_MAX = 4096
_PAGE_LIMIT = 1_000_000  # a page number beyond any real list is shown as the last page


def user_key(user) -> tuple:
    """What a compiled statement may depend on of the user (the rest it reads itself)."""
    return (
        user.pk,
        user.is_active,
        user.is_superuser,
        frozenset(role for role in Role if user.has_role(role)),
    )


def compiled(key: tuple, compile_: Callable[[], object]):
    """``compile_()`` once per process for ``key`` (least recently used dropped past the limit)."""
    if key in _COMPILED:
        _COMPILED.move_to_end(key)
        return _COMPILED[key]
    value = _COMPILED[key] = compile_()
    if len(_COMPILED) > COMPILED_MAX:
        _COMPILED.popitem(last=False)
    return value


def bind(params: tuple, values: dict) -> tuple:
    """A compiled statement's parameters with each placeholder (a key of ``values``, compiled in
    the place of a value that changes per request) replaced by this request's value."""

    def one(param):
        try:
            return values.get(param, param)
        except TypeError:  # unhashable (a list): never a placeholder
            return param

    return tuple(one(param) for param in params)


def placeholders_bound(sql: str, params: tuple, values) -> None:
    """Refuse a compiled statement that holds a placeholder in its text or lacks one among its
    parameters: binding would then read the wrong rows."""
    for value in values:
        if str(value) in sql or value not in [p for p in params if not isinstance(p, list | tuple | dict)]:
            raise ValueError(f"placeholder {value!r} is not a parameter of the compiled statement")


def _compile(rows: Rows) -> tuple[str, tuple, Rows] | None:
    spec = {name: F(name) for name in rows.fields}
    spec.update({name: many.expression() for name, many in rows.many.items()})
    try:
        page_sql, page_params = rows.queryset.values(row=JSONObject(**spec)).query.sql_with_params()
        count_sql, count_params = rows.queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # an empty list by rule (``.none()``)
        return None
    sql = (
        f"SELECT (SELECT count(*) FROM ({count_sql}) AS c), "  # noqa: S608 (Django-compiled SQL)
        f"array_to_json(ARRAY({page_sql} LIMIT %s OFFSET %s))::text"
    )
    return sql, (*count_params, *page_params), rows


def _guess(number) -> int:
    try:
        return min(max(int(number), 1), _PAGE_LIMIT)
    except (TypeError, ValueError):
        return 1


def page_of(key: tuple, build: Callable[[], Rows], number, size: int) -> Page:
    """The page ``number`` (as Django's ``Paginator.get_page`` takes it) of the list ``build()``
    describes, in one statement; a number out of range is shown as the nearest page."""
    statement = compiled(key, lambda: _compile(build()))
    if statement is None:
        return Paginator([], size).get_page(1)
    sql, params, rows = statement
    guess = _guess(number)
    total, array = _run(sql, params, size, guess)
    page = Paginator(range(total), size).get_page(guess)
    if page.number != guess:  # out of range: read the nearest page instead
        total, array = _run(sql, params, size, page.number)
    page.object_list = rows.load(json.loads(array))
    return page


def _run(sql, params, size, number):
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, size, (number - 1) * size))
        return cursor.fetchone()
