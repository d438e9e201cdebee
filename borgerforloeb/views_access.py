"""Access pages: "who has looked at this case" and the citizen's data export (access request).

Declared permissions (``core.permissions.object_permission``): the object comes through the
visibility rule (others: 404); the action is checked next (403 for a visible object).
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from borgerforloeb import gdpr, permissions, selectors
from borgerforloeb.models import Case, Citizen, caseworker_municipalities
from core.middleware import audit_reads
from core.models import AuditEvent
from core.permissions import object_permission
from core.roles import Role

# Sensitive pages whose views do not write their own "view" audit row (case_detail and
# case_timeline do): the middleware writes it after a successful GET.
audit_reads("borgerforloeb:citizen_detail", object_type="borgerforloeb.citizen")
audit_reads("borgerforloeb:case_participants", object_type="borgerforloeb.case", case_kwarg="pk")
audit_reads("borgerforloeb:case_consents", object_type="borgerforloeb.case", case_kwarg="pk")

ACCESS_LOG_PAGE_SIZE = 50
READ_ACTIONS = [AuditEvent.Action.VIEW, AuditEvent.Action.SHOW_CPR, AuditEvent.Action.EXPORT]
# What the audit note says about which page was read.
NOTE_LABELS = {
    "": _("Forløbets side"),
    "timeline": _("Tidslinje"),
    "html": _("Indsigt (udskrift)"),
    "json": _("Indsigt (JSON)"),
    "citizen_view": _("Borgerens egen visning (Mit forløb)"),
    "citizen_detail": _("Borgerens side"),
    "case_participants": _("Deltagere"),
    "case_consents": _("Samtykker"),
}


def load_visible_case(user, pk) -> Case:
    return selectors.visible_case(user, pk)


def load_visible_citizen(user, pk) -> Citizen:
    return get_object_or_404(Citizen.objects.visible_to(user).select_related("municipality"), pk=pk)


def can_see_access_log(user, case: Case) -> bool:
    """The case's municipal caseworkers and its active coordinator (not every participant)."""
    return permissions.can_manage_case(user, case)


def can_export_citizen(user, citizen: Citizen) -> bool:
    """An access request is answered by the citizen's municipality: its caseworkers."""
    if user.is_superuser:
        return True
    if not user.has_role(Role.CASEWORKER):
        return False
    return caseworker_municipalities(user).filter(municipality_id=citizen.municipality_id).exists()


def access_log_events(case: Case, *, reads_only: bool = True):
    """The case's audit rows, plus the reads of its citizen's pages (citizen page, CPR, export)."""
    events = AuditEvent.objects.filter(
        Q(case_id=case.pk)
        | Q(object_type="borgerforloeb.citizen", object_id=str(case.citizen_id), action__in=READ_ACTIONS)
    )
    if reads_only:
        events = events.filter(action__in=READ_ACTIONS)
    return events.select_related("actor").order_by("-at", "-id")


@never_cache
@object_permission(load=load_visible_case, allow=can_see_access_log)
def case_access_log(request, case):
    reads_only = request.GET.get("alle") != "1"
    page = Paginator(access_log_events(case, reads_only=reads_only), ACCESS_LOG_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    for event in page.object_list:
        known = event.note or event.action == AuditEvent.Action.VIEW
        event.where = NOTE_LABELS.get(event.note, event.note) if known else ""
    return render(
        request,
        "borgerforloeb/access/case_access_log.html",
        {"case": case, "page": page, "events": page.object_list, "reads_only": reads_only},
    )


@never_cache
@object_permission(load=load_visible_citizen, allow=can_export_citizen)
def citizen_export(request, citizen):
    sections = gdpr.export_citizen(actor=request.user, citizen=citizen, request=request, fmt="html")
    return render(
        request,
        "borgerforloeb/access/citizen_export.html",
        {"citizen": citizen, "sections": sections},
    )


@never_cache
@object_permission(load=load_visible_citizen, allow=can_export_citizen)
def citizen_export_json(request, citizen):
    sections = gdpr.export_citizen(actor=request.user, citizen=citizen, request=request, fmt="json")
    body = json.dumps(gdpr.export_as_json(citizen, sections), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indsigt-{citizen.pk}.json"'
    return response
