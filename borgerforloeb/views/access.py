"""Per-case access log and the citizen's data export (GDPR art. 15)."""

from __future__ import annotations

import json

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from borgerforloeb import gdpr, permissions, selectors
from borgerforloeb.models import Case, Citizen
from borgerforloeb.permissions import reads_case
from borgerforloeb.services import documents
from core.audit import audited_read
from core.models import AuditEvent
from core.permissions import object_permission

ACCESS_LOG_PAGE_SIZE = 50


READ_ACTIONS = [AuditEvent.Action.VIEW, AuditEvent.Action.SHOW_CPR, AuditEvent.Action.EXPORT]


# What the audit note says about which page was read: the URL name of the declared read
# (``core.audit.audited_read``), or a note the page gave; "" and "timeline", "plan" are older rows.
NOTE_LABELS = {
    "": _("Forløbets side"),
    "case_detail": _("Forløbets side"),
    "timeline": _("Tidslinje"),
    "case_timeline": _("Tidslinje"),
    "html": _("Indsigt (udskrift)"),
    "json": _("Indsigt (JSON)"),
    "citizen_view": _("Borgerens egen visning (Mit forløb)"),
    "citizen_detail": _("Borgerens side"),
    "citizen_edit": _("Ret borgerens oplysninger"),
    "case_participants": _("Deltagere"),
    "case_consents": _("Samtykker"),
    "consent_create": _("Registrér samtykke"),
    "case_assign_coordinator": _("Tildel tovholder"),
    "case_handover": _("Overdrag forløbet"),
    "transfer_start": _("Flyt til anden kommune"),
    "transfer_detail": _("Overdragelse mellem kommuner"),
    "transfer_ics": _("Hent invitation (.ics)"),
    "case_status": _("Skift status"),
    "task_create": _("Ny opgave"),
    "case_access_log": _("Hvem har set forløbet"),
    "invite": _("Inviter borgeren til Mit forløb"),
    "plan": _("Plan"),
    "plan_detail": _("Plan"),
    "plan_version": _("Planversion"),
    "plan_edit": _("Ret planen"),
    "plan_accept": _("Accept af planen"),
    "plan_compare": _("Sammenlign versioner af planen"),
    "plan_print": _("Udskrift"),
    "plan_print_citizen": _("Udskrift til borgeren"),
    "effort_list": _("Indsatser"),
    "effort_create": _("Ny indsats"),
    "effort_edit": _("Ret indsats"),
    "referral": _("Henvisning"),
    "meeting_list": _("Møder"),
    "meeting_create": _("Nyt møde"),
    "meeting_detail": _("Møde"),
    "meeting_edit": _("Ret mødet"),
    "meeting_minutes": _("Referat"),
    "meeting_ics": _("Hent kalenderinvitation (.ics)"),
    "attention_edit": _("Opmærksomhedspunkter"),
    "decision_list": _("Beslutninger"),
    "decision_create": _("Ny beslutning"),
    "network_map": _("Netværkskort"),
    "network_person_edit": _("Ret person på netværkskortet"),
    "network_version_create": _("Gem en version af netværkskortet"),
    "network_version": _("Version af netværkskortet"),
    "network_compare": _("Sammenlign versioner af netværkskortet"),
    "network_print": _("Udskrift af netværkskortet"),
}
# The forms filled from the case ("document_pdf:samtykke"): the page and the form's title.
DOCUMENT_NOTES = {"document_print": _("Udskrift: %(title)s"), "document_pdf": _("PDF: %(title)s")}


def read_label(note: str) -> str | None:
    """The access log's words for the page a read row names (None: it has none)."""
    if note in NOTE_LABELS:
        return NOTE_LABELS[note]
    page, _sep, kind = note.partition(":")
    if page in DOCUMENT_NOTES and kind in documents.KINDS:  # a form filled from the case
        return DOCUMENT_NOTES[page] % {"title": documents.KINDS[kind].title}
    if note.startswith("admin:"):  # an object page in Django admin (``borgerforloeb.admin``)
        try:
            model = apps.get_model(note.removeprefix("admin:"))
        except (LookupError, ValueError):
            return None
        return _("Administration: %(model)s") % {"model": model._meta.verbose_name}
    return None


def load_visible_case(user, pk) -> Case:
    return selectors.visible_case(user, pk)


def load_visible_citizen(user, pk) -> Citizen:
    return get_object_or_404(Citizen.objects.visible_to(user).select_related("municipality"), pk=pk)


def access_log_events(case: Case, *, reads_only: bool = True):
    """The case's audit rows, plus the reads of its citizen's pages (citizen page, CPR, export)."""
    events = AuditEvent.objects.filter(
        Q(case_id=case.pk)
        | Q(object_type="borgerforloeb.citizen", object_id=str(case.citizen_id), action__in=READ_ACTIONS)
    )
    if reads_only:
        events = events.filter(action__in=READ_ACTIONS)
    return events.select_related("actor").order_by("-at", "-id")


@reads_case
@never_cache
@object_permission(load=load_visible_case, allow=permissions.can_see_access_log)
def case_access_log(request, case):
    reads_only = request.GET.get("alle") != "1"
    page = Paginator(access_log_events(case, reads_only=reads_only), ACCESS_LOG_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    for event in page.object_list:
        known = event.note or event.action == AuditEvent.Action.VIEW
        event.where = (read_label(event.note) or event.note) if known else ""
    return render(
        request,
        "borgerforloeb/access/case_access_log.html",
        {"case": case, "page": page, "events": page.object_list, "reads_only": reads_only},
    )


@audited_read("borgerforloeb.citizen", action=AuditEvent.Action.EXPORT, note="html")
@never_cache
@object_permission(load=load_visible_citizen, allow=permissions.can_export_citizen)
def citizen_export(request, citizen):
    sections = gdpr.citizen_export(citizen, user=request.user)
    return render(
        request, "borgerforloeb/access/citizen_export.html", {"citizen": citizen, "sections": sections}
    )


@audited_read("borgerforloeb.citizen", action=AuditEvent.Action.EXPORT, note="json")
@never_cache
@object_permission(load=load_visible_citizen, allow=permissions.can_export_citizen)
def citizen_export_json(request, citizen):
    sections = gdpr.citizen_export(citizen, user=request.user)
    body = json.dumps(gdpr.export_as_json(citizen, sections), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indsigt-{citizen.pk}.json"'
    return response
