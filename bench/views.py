from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from borgerforloeb.models import Case, CoordinatorAssignment


def floor(request, label, pk):
    """The benchmark's floor: one indexed primary-key query and one small template.

    Answers only when settings.BENCH_MODE is on; otherwise it does not exist.
    """
    if not settings.BENCH_MODE:
        raise Http404
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    obj = get_object_or_404(model.objects.only("pk"), pk=pk)
    return render(request, "bench/floor.html", {"object": obj})


@login_required
def layout_list(request, municipality_id):
    """The benchmark's reference for list pages: the portal's real layout and navigation around
    25 cases of one municipality, each with its citizen, municipality and active coordinator, read
    by one indexed query. Every page's time is reported as a ratio to this page in the same run.
    """
    if not settings.BENCH_MODE:
        raise Http404
    coordinator = (
        CoordinatorAssignment.objects.active().filter(case=OuterRef("pk")).values("person__full_name")
    )
    cases = list(
        Case.objects.filter(municipality_id=municipality_id)
        .select_related("citizen", "municipality")
        .annotate(coordinator_name=Subquery(coordinator[:1]))
        .order_by("-pk")[:25]
    )
    return render(request, "bench/layout_list.html", {"cases": cases})
