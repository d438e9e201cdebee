"""Case figures for the municipality page's dashboard (samarbejde.dashboard provider).

Counts only cases the user may see, so a figure never reveals cases outside their access. The
three figures are one statement, compiled once per (user, day) with a placeholder for the
municipality (``core.pages``).
"""

from functools import partial

from django.db import connection
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb.models import Case, CoordinatorAssignment, Task
from core.pages import bind, compiled, placeholders_bound, user_key
from core.rows import SubqueryCount
from samarbejde.models import Municipality

_MUNICIPALITY = -7_305_001  # compiled in the place of the municipality's id: no municipality has it


def _statement(user, today) -> tuple[str, tuple]:
    visible = Case.objects.visible_to(user).filter(status=Case.Status.OPEN)
    cases = visible.filter(municipality_id=OuterRef("pk"))
    active_coordinator = CoordinatorAssignment.objects.active().filter(case=OuterRef("pk"))
    overdue = Task.objects.overdue(today).filter(
        case__municipality_id=OuterRef("pk"), case__in=visible.values("pk")
    )
    figures = Municipality.objects.filter(pk=_MUNICIPALITY).values(
        active=SubqueryCount(cases),
        without_coordinator=SubqueryCount(cases.exclude(Exists(active_coordinator))),
        overdue=SubqueryCount(overdue),
    )
    sql, params = figures.query.sql_with_params()
    placeholders_bound(sql, params, [_MUNICIPALITY])
    return sql, params


def case_figures(municipality, user):
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    sql, params = compiled(("case_figures", user_key(user), today), partial(_statement, user, today))
    with connection.cursor() as cursor:
        cursor.execute(sql, bind(params, {_MUNICIPALITY: municipality.pk}))
        active, without_coordinator, overdue = cursor.fetchone()
    my_cases = reverse("borgerforloeb:my_cases")
    return [
        (_("Aktive forløb"), active, my_cases),
        (_("Forløb uden aktiv tovholder"), without_coordinator, my_cases),
        (_("Overskredne opgaver"), overdue, reverse("borgerforloeb:my_tasks")),
    ]
