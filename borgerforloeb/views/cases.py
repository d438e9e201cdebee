"""Case pages: lists, opening a case, the case page, coordinator, handover, status, timeline."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from borgerforloeb import permissions, selectors
from borgerforloeb.forms.cases import (
    AssignCoordinatorForm,
    CaseForm,
    CloseCaseForm,
    HandoverForm,
    TimelineFilterForm,
)
from borgerforloeb.forms.fields import municipalities_for
from borgerforloeb.models import (
    Case,
    CaseTransfer,
    Citizen,
    CoordinatorAssignment,
    Participant,
    PlanVersion,
    TimelineEvent,
)
from borgerforloeb.permissions import reads_case
from borgerforloeb.services.cases import (
    CoordinatorAlreadyActive,
    assign_coordinator,
    change_case_status,
    hand_over_case,
    open_case,
)
from borgerforloeb.services.citizens import show_cpr
from borgerforloeb.views.helpers import PAGE_SIZE, form_page, managed_case, require
from core.forms import apply_errors, handle_post


@login_required
def my_cases(request):
    """Mine forløb: cases I coordinate or take part in; caseworkers may list all they can see."""
    all_visible = request.GET.get("alle") == "1"
    page = selectors.my_cases_page(
        request.user, all_visible=all_visible, number=request.GET.get("side"), size=PAGE_SIZE
    )
    roles = dict(Participant.Role.choices)
    for case in page.object_list:
        case.my_role_label = roles.get(case.my_role, "")
    return render(
        request,
        "borgerforloeb/my_cases.html",
        {
            "page": page,
            "cases": page.object_list,
            "all_visible": all_visible,
            "can_create": permissions.can_create_citizen(request.user),
        },
    )


@login_required
def case_create(request):
    """A case is opened by a caseworker of the citizen's own municipality, in that municipality."""
    require(permissions.can_create_citizen(request.user))
    citizens = (
        Citizen.objects.visible_to(request.user)
        .filter(municipality__in=municipalities_for(request.user))
        .order_by("full_name")
    )
    initial = {}
    if request.GET.get("borger"):
        citizen = (
            citizens.filter(pk=request.GET["borger"]).first() if _is_uuid(request.GET["borger"]) else None
        )
        if citizen is not None:
            initial = {"citizen": citizen.pk}
    form = CaseForm(request.POST or None, initial=initial, citizens=citizens, user=request.user)

    def refused(form, error):
        apply_errors(form, error)
        if not form.errors:
            form.add_error("coordinator", error.messages)

    return handle_post(
        request,
        form,
        lambda data: open_case(actor=request.user, request=request, **data),
        success=_("Forløbet er oprettet."),
        redirect_to=lambda case: case,
        on_error=refused,
    ) or render(request, "borgerforloeb/case_form.html", {"form": form})


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _case_context(request, case, panels, revealed_cpr=""):
    """What the case page shows, from ``selectors.case_page`` (one statement for every panel)."""
    user = request.user
    coordinators = panels["coordinators"]
    coordinator = coordinators[0] if coordinators and coordinators[0].ended_at is None else None
    plan_versions = panels["plan_versions"]
    tasks = panels["tasks"]
    invitations = panels["invitations"]
    can_manage = permissions.can_manage_case(user, case)
    open_transfer = CaseTransfer.objects.open().filter(case=case).select_related("to_municipality").first()
    return {
        "case": case,
        "citizen": case.citizen,
        "coordinator": coordinator,
        "coordinator_history": [a for a in coordinators if a.ended_at is not None][:5],
        "participants": panels["participants"],
        "tasks": tasks,
        "overdue_count": sum(1 for t in tasks if t.overdue),
        "meetings": panels["meetings"],
        "attention_points": panels["attention_points"],
        "current_plan": next((v for v in plan_versions if v.status == PlanVersion.Status.ACCEPTED), None),
        "draft_plan": next((v for v in plan_versions if v.status == PlanVersion.Status.DRAFT), None),
        "consents": panels["consents"],
        "timeline": panels["timeline"],
        "efforts": panels["efforts"],
        "citizen_panel": {
            "last_seen": panels["citizen_last_seen"],
            "invitation": invitations[0] if invitations else None,
            "unread": panels["unread_messages"],
        },
        "can_manage": can_manage,
        "open_transfer": open_transfer,
        "can_transfer": permissions.can_start_transfer(user, case),
        "can_see_cpr": bool(case.citizen.cpr) and permissions.can_see_cpr(user, case),
        "revealed_cpr": revealed_cpr,
        "today": timezone.localdate(),
    }


@reads_case
@login_required
def case_detail(request, pk):
    """One screen: who does what, what is overdue, next meetings, attention points, the plan."""
    case, panels = selectors.case_page(request.user, pk)
    return render(request, "borgerforloeb/case_detail.html", _case_context(request, case, panels))


@never_cache
@login_required
@require_POST
def case_show_cpr(request, pk):
    case, panels = selectors.case_page(request.user, pk)
    require(bool(case.citizen.cpr) and permissions.can_see_cpr(request.user, case))
    revealed = show_cpr(actor=request.user, citizen=case.citizen, case=case, request=request)
    return render(request, "borgerforloeb/case_detail.html", _case_context(request, case, panels, revealed))


@reads_case
@login_required
def case_assign_coordinator(request, pk):
    case = managed_case(request, pk)
    if CoordinatorAssignment.objects.active().filter(case=case).exists():
        messages.info(request, _("Forløbet har allerede en tovholder. Du kan overdrage forløbet i stedet."))
        return redirect("borgerforloeb:case_handover", pk=case.pk)
    form = AssignCoordinatorForm(request.POST or None, user=request.user, case=case)

    def refused(form, error):
        if isinstance(error, CoordinatorAlreadyActive):
            messages.warning(
                request,
                _("En anden har netop givet forløbet en tovholder. Du kan overdrage forløbet i stedet."),
            )
            return redirect("borgerforloeb:case_handover", pk=case.pk)
        form.add_error("person", error.messages)
        return None

    return handle_post(
        request,
        form,
        lambda data: assign_coordinator(actor=request.user, case=case, request=request, **data),
        success=_("Tovholderen er tildelt."),
        redirect_to=case,
        on_error=refused,
    ) or form_page(request, case, form, title=_("Tildel tovholder"))


@reads_case
@login_required
def case_handover(request, pk):
    case = managed_case(request, pk)
    current = CoordinatorAssignment.objects.active().filter(case=case).select_related("person").first()
    form = HandoverForm(
        request.POST or None, current=current.person if current else None, user=request.user, case=case
    )

    def refused(form, error):
        if hasattr(error, "error_dict"):
            apply_errors(form, error)
        else:
            form.add_error("new_person", error.messages)

    def after(assignment):
        # A former coordinator without another role in the case may no longer see it.
        if Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
            return case
        return "borgerforloeb:my_cases"

    answer = handle_post(
        request,
        form,
        lambda data: hand_over_case(actor=request.user, case=case, request=request, **data),
        success=_("Forløbet er overdraget. Begge tovholdere får besked."),
        redirect_to=after,
        on_error=refused,
    )
    if answer is not None:
        return answer
    intro = (
        _(
            "Nuværende tovholder: %(person)s. Overdragelsen afslutter denne tildeling "
            "og starter den nye i ét trin."
        )
        % {"person": current.person}
        if current
        else _("Forløbet har ingen tovholder.")
    )
    return form_page(request, case, form, title=_("Overdrag forløbet"), intro=intro, submit=_("Overdrag"))


@reads_case
@login_required
def case_status(request, pk):
    case = managed_case(request, pk)
    form = CloseCaseForm(
        request.POST or None, initial={"status": case.status, "closed_reason": case.closed_reason}
    )
    answer = handle_post(
        request,
        form,
        lambda data: change_case_status(actor=request.user, case=case, request=request, **data),
        success=_("Forløbets status er ændret."),
        redirect_to=case,
    )
    if answer is not None:
        return answer
    return form_page(request, case, form, title=_("Skift status"))


@reads_case
@login_required
def case_timeline(request, pk):
    case = selectors.visible_case(request.user, pk)
    form = TimelineFilterForm(request.GET or None)
    events = TimelineEvent.objects.filter(case=case).select_related("actor")
    kind = ""
    if form.is_valid() and form.cleaned_data["kind"]:
        kind = form.cleaned_data["kind"]
        events = events.filter(kind=kind)
    page = Paginator(events, 50).get_page(request.GET.get("side"))
    return render(
        request,
        "borgerforloeb/timeline.html",
        {"case": case, "form": form, "page": page, "events": page.object_list, "kind": kind},
    )
