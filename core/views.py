from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import readiness, service_states


@never_cache
@require_GET
def healthz(request):
    services = service_states()
    down = [name for name, state in services.items() if not state["up"]]
    body = {"status": "ok" if not down else "down", "down": down, "services": services}
    return JsonResponse(body, status=503 if down else 200)


@never_cache
@require_GET
def healthz_live(request):
    """The process answers (Kubernetes' liveness probe): touches no database, Redis or worker."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def healthz_ready(request):
    """This node may take traffic (readiness probe): the database answers, all migrations applied.
    Redis and the worker are left out: pages work without them (see /healthz for those)."""
    problems = readiness()
    body = {"status": "ok" if not problems else "not ready", "problems": problems}
    return JsonResponse(body, status=503 if problems else 200)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)
