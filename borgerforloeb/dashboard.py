"""Case figures for the municipality page's dashboard (samarbejde.dashboard provider).

Counts only cases the user may see, so a figure never reveals cases outside their access.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from borgerforloeb.models import Case, CoordinatorAssignment, Task


def case_figures(municipality, user):
    if not getattr(user, "is_authenticated", False):
        return []
    active_coordinator = CoordinatorAssignment.objects.active().filter(case=OuterRef("pk"))
    cases = Case.objects.visible_to(user).filter(municipality=municipality, status=Case.Status.OPEN)
    figures = cases.aggregate(
        active=Count("pk"),
        without_coordinator=Count("pk", filter=~Q(Exists(active_coordinator))),
    )
    overdue = Task.objects.overdue().filter(case__in=cases.values("pk")).count()
    my_cases = reverse("borgerforloeb:my_cases")
    return [
        (_("Aktive forløb"), figures["active"], my_cases),
        (_("Forløb uden aktiv tovholder"), figures["without_coordinator"], my_cases),
        (_("Overskredne opgaver"), overdue, reverse("borgerforloeb:my_tasks")),
    ]
