from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import service_states


@never_cache
@require_GET
def healthz(request):
    services = service_states()
    down = [name for name, state in services.items() if not state["up"]]
    body = {"status": "ok" if not down else "down", "down": down, "services": services}
    return JsonResponse(body, status=503 if down else 200)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def bench_floor(request, label, pk):
    """The benchmark's floor: one indexed primary-key query and one small template.

    Answers only when settings.BENCH_MODE is on; otherwise it does not exist.
    """
    from django.apps import apps
    from django.conf import settings
    from django.http import Http404

    if not settings.BENCH_MODE:
        raise Http404
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    obj = get_object_or_404(model.objects.only("pk"), pk=pk)
    return render(request, "core/bench_floor.html", {"object": obj})
