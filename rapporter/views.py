"""Report pages: aggregates only, read from the summary tables (see rapporter/reports.py).

Who sees what is in ``rapporter/access.py``; anyone else gets 404.
"""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify

from rapporter import exports
from rapporter.access import report_municipalities, sees_national
from rapporter.forms import ReportFilterForm
from rapporter.models import ReportRun
from rapporter.reports import NATIONAL_TITLE, municipality_report, national_report

FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.as_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.as_xlsx),
}


@login_required
def index(request):
    municipalities = list(report_municipalities(request.user).order_by("name"))
    national = sees_national(request.user)
    return render(request, "rapporter/index.html", {"municipalities": municipalities, "national": national})


def _municipality(request, slug):
    return get_object_or_404(report_municipalities(request.user), slug=slug)


def _export_url(request, name, kwargs, fmt):
    query = request.GET.urlencode()
    return reverse(name, kwargs={**kwargs, "fmt": fmt}) + (f"?{query}" if query else "")


def _body_key(export_name, export_kwargs, form, last_run) -> str:
    """What the rendered tables and charts depend on: the report, its (valid) filters and the run
    that computed the figures. Without a finished run nothing is kept."""
    if last_run is None:
        return ""
    filters = form.filters()
    return ":".join(
        str(part)
        for part in (
            export_name,
            *export_kwargs.values(),
            *(filters[name] for name in sorted(filters)),
            last_run.pk,
            last_run.finished_at.timestamp(),
        )
    )


def _page(request, title, build_report, export_name, export_kwargs, form):
    """The report page; the figures are computed (``build_report()``) only when their rendering is
    not in the cache."""
    last_run = ReportRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
    return render(
        request,
        "rapporter/report.html",
        {
            "title": title,
            "report": SimpleLazyObject(build_report),
            "form": form,
            "csv_url": _export_url(request, export_name, export_kwargs, "csv"),
            "xlsx_url": _export_url(request, export_name, export_kwargs, "xlsx"),
            "last_run": last_run,
            # The figures change only with a run: their rendering is kept in the cache until then.
            "body_key": _body_key(export_name, export_kwargs, form, last_run),
            "body_seconds": 24 * 3600,
        },
    )


@login_required
def municipality(request, slug):
    municipality = _municipality(request, slug)
    form = ReportFilterForm(request.GET or None)
    build = partial(municipality_report, municipality, form.filters())
    return _page(request, municipality.name, build, "rapporter:municipality_export", {"slug": slug}, form)


@login_required
def national(request):
    if not sees_national(request.user):
        raise Http404
    form = ReportFilterForm(request.GET or None)
    build = partial(national_report, form.filters())
    return _page(request, NATIONAL_TITLE, build, "rapporter:national_export", {}, form)


def _export(report, fmt, name):
    if fmt not in FORMATS:
        raise Http404
    content_type, write = FORMATS[fmt]
    response = HttpResponse(write(report), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="rapport-{slugify(name)}.{fmt}"'
    return response


@login_required
def municipality_export(request, slug, fmt):
    municipality = _municipality(request, slug)
    report = municipality_report(municipality, ReportFilterForm(request.GET or None).filters())
    return _export(report, fmt, municipality.slug)


@login_required
def national_export(request, fmt):
    if not sees_national(request.user):
        raise Http404
    return _export(national_report(ReportFilterForm(request.GET or None).filters()), fmt, "hele-landet")
