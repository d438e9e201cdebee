"""Several panels of one page in one SQL statement: each panel's rows as a JSON array.

A page that shows many short lists about one object (a case: its tasks, meetings, participants,
plan…) would otherwise run one query per list. ``Rows`` describes one list: a queryset correlated
to the outer row with ``OuterRef``, the fields to read (``"title"``, ``"responsible_id"``,
``"responsible__full_name"`` for a related object), and nested lists (``many``) such as a plan
version's goals. ``Rows.expression()`` is an annotation holding the list as a JSON array in the
queryset's own order and slice; ``Rows.load()`` turns that array back into model instances, with
the related objects and nested lists cached on them, so that templates and model methods use them
without asking the database again.

A field that is not read stays deferred: touching it would cost a query, which the page's
query-count test catches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, IntegerField, Model, QuerySet, Subquery
from django.db.models.functions import JSONObject


@dataclass
class Rows:
    queryset: QuerySet
    fields: tuple[str, ...]
    many: dict[str, Rows] = field(default_factory=dict)

    @property
    def model(self) -> type[Model]:
        return self.queryset.model

    def expression(self) -> ArraySubquery:
        spec = {name: F(name) for name in self.fields}
        spec.update({name: rows.expression() for name, rows in self.many.items()})
        return ArraySubquery(self.queryset.values(row=JSONObject(**spec)))

    def load(self, array) -> list[Model]:
        return [self._instance(self.model, row, self.many) for row in array or ()]

    @classmethod
    def _instance(cls, model: type[Model], row: dict, many: dict[str, Rows] | None = None) -> Model:
        many = many or {}
        local: dict = {}
        related: dict[str, dict] = {}
        annotations: dict = {}
        for key, value in row.items():
            if key in many:
                continue
            head, _, rest = key.partition("__")
            if rest:
                related.setdefault(head, {})[rest] = value
                continue
            try:
                model_field = model._meta.get_field(key)
            except FieldDoesNotExist:  # an annotation of the queryset: kept as JSON gave it
                annotations[key] = value
                continue
            local[model_field.attname] = model_field.to_python(value)
        # from_db takes the values in the order of the model's concrete fields.
        names = [f.attname for f in model._meta.concrete_fields if f.attname in local]
        instance = model.from_db("default", names, [local[name] for name in names])
        for key, value in annotations.items():
            setattr(instance, key, value)
        for name, values in related.items():
            relation = model._meta.get_field(name)
            target = None
            if any(value is not None for value in values.values()):
                target = cls._instance(relation.related_model, values)
            relation.set_cached_value(instance, target)
        for name, rows in many.items():
            # What prefetch_related leaves behind: the related manager's queryset, already evaluated,
            # cached under the accessor's name (a reverse foreign key's and a many-to-many field's).
            queryset = getattr(instance, name).get_queryset()
            queryset._result_cache = rows.load(row.get(name))
            queryset._prefetch_done = True
            if not hasattr(instance, "_prefetched_objects_cache"):
                instance._prefetched_objects_cache = {}
            instance._prefetched_objects_cache[name] = queryset
        return instance


class SubqueryCount(Subquery):
    """``(SELECT COUNT(*) FROM (<queryset>))``: a row count as an annotation."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()

    def __init__(self, queryset):
        super().__init__(queryset.order_by().values("pk"))
