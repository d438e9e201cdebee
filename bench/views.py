from django.apps import apps
from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render


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
