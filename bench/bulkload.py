"""Fast bulk loading with PostgreSQL COPY, for generated data sets (benchmarks).

``copy_rows(Model, rows)`` takes dicts keyed by field attname (``case_id``, not ``case``) and fills
every column the dict leaves out from the model's own defaults, so a generator only names the
columns it cares about and keeps working when a model gains a field with a default.
"""

from __future__ import annotations

import datetime
import io
import json
import uuid
from collections.abc import Iterable

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

CHUNK_ROWS = 50_000


def _text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date | uuid.UUID | int | float):
        return str(value)
    if isinstance(value, list | tuple):
        inner = ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value)
        value = "{" + inner + "}"
    elif isinstance(value, dict):
        value = json.dumps(value)
    else:
        value = str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _column_fillers(model, with_pk: bool = False) -> list[tuple[str, str, object]]:
    """(attname, column, filler) for each concrete column; filler is a callable or a constant."""
    now = timezone.now()
    columns = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.GeneratedField):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            filler = now
        elif field.has_default():
            default = field.default
            filler = default if callable(default) else field.get_default()
        elif field.has_db_default():
            continue
        elif field.null:
            filler = None
        elif isinstance(field, models.CharField | models.TextField) and field.blank:
            filler = ""
        elif isinstance(field, AutoFieldMixin):
            if not with_pk:
                continue
            filler = _Required(field)
        else:
            filler = _Required(field)
        columns.append((field.attname, field.column, filler))
    return columns


class _Required:
    def __init__(self, field):
        self.field = field

    def __call__(self):
        raise ValueError(f"{self.field.model.__name__}.{self.field.name} needs a value")


def copy_rows(model, rows: Iterable[dict], *, with_pk: bool = False) -> int:
    """COPY the rows into the model's table; returns how many were written.

    With ``with_pk`` the rows carry their own auto-increment ids and the sequence is moved past them.
    """
    columns = _column_fillers(model, with_pk)
    names = ", ".join(connection.ops.quote_name(column) for _, column, _ in columns)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
    written = 0
    buffer = io.StringIO()
    in_buffer = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2 cursor under Django's wrapper
        for row in rows:
            values = []
            for attname, _, filler in columns:
                if attname in row:
                    value = row[attname]
                elif callable(filler):
                    value = filler()
                else:
                    value = filler
                values.append(_text(value))
            buffer.write("\t".join(values))
            buffer.write("\n")
            in_buffer += 1
            if in_buffer >= CHUNK_ROWS:
                buffer.seek(0)
                raw.copy_expert(sql, buffer)
                written += in_buffer
                buffer = io.StringIO()
                in_buffer = 0
        if in_buffer:
            buffer.seek(0)
            raw.copy_expert(sql, buffer)
            written += in_buffer
        if with_pk and isinstance(model._meta.pk, AutoFieldMixin):
            table, column = model._meta.db_table, model._meta.pk.column
            quoted_column, quoted_table = connection.ops.quote_name(column), connection.ops.quote_name(table)
            cursor.execute(
                # Identifiers come from the model's metadata, quoted; values are parameters.
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({quoted_column}), 1)) "  # noqa: S608
                f"FROM {quoted_table}",
                [table, column],
            )
    return written
