"""Case pages: lists, opening a case, the case page, coordinator, handover, status, timeline."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, F, Q
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
    Consent,
    CoordinatorAssignment,
    Meeting,
    Participant,
    PlanVersion,
    Task,
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
from borgerforloeb.views.helpers import PAGE_SIZE, form_page, require
from core.forms import apply_errors, handle_post


@login_required
def my_cases(request):
    """Mine forløb: cases I coordinate or take part in; caseworkers may list all they can see."""
    all_visible = request.GET.get("alle") == "1"
    page = Paginator(selectors.my_cases(request.user, all_visible=all_visible), PAGE_SIZE).get_page(
        request.GET.get("side")
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

    answer = handle_post(
        request,
        form,
        lambda data: open_case(actor=request.user, request=request, **data),
        success=_("Forløbet er oprettet."),
        redirect_to=lambda case: case,
        on_error=refused,
    )
    if answer is not None:
        return answer
    return render(request, "borgerforloeb/case_form.html", {"form": form})


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _case_context(request, case, revealed_cpr=""):
    user = request.user
    today = timezone.localdate()
    coordinator = (
        CoordinatorAssignment.objects.active()
        .filter(case=case)
        .select_related("person", "organisation")
        .first()
    )
    history = (
        CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=False)
        .select_related("person", "organisation")
        .order_by("-started_at")[:5]
    )
    participants = (
        Participant.objects.filter(case=case, active=True)
        .select_related("user", "organisation")
        .order_by("role", "added_at")
    )
    tasks = (
        Task.objects.filter(case=case, status=Task.Status.OPEN)
        .select_related("responsible")
        .annotate(overdue=ExpressionWrapper(Q(due_date__lt=today), output_field=BooleanField()))
        .order_by(F("overdue").desc(nulls_last=True), F("due_date").asc(nulls_last=True), "created_at")
    )
    meetings = Meeting.objects.filter(case=case, starts_at__gte=timezone.now() - timedelta(hours=2))[:5]
    plan_versions = list(
        PlanVersion.objects.filter(
            plan__case=case, status__in=[PlanVersion.Status.ACCEPTED, PlanVersion.Status.DRAFT]
        )
        .prefetch_related("goals")
        .select_related("acceptance")
    )
    current_plan = next((v for v in plan_versions if v.status == PlanVersion.Status.ACCEPTED), None)
    draft_plan = next((v for v in plan_versions if v.status == PlanVersion.Status.DRAFT), None)
    consents = (
        Consent.objects.filter(citizen=case.citizen_id)
        .filter(Q(case__isnull=True) | Q(case=case))
        .prefetch_related("organisations", "persons")
        .order_by("withdrawn_at", "-valid_from")
    )
    can_manage = permissions.can_manage_case(user, case)
    open_transfer = CaseTransfer.objects.open().filter(case=case).select_related("to_municipality").first()
    return {
        "case": case,
        "citizen": case.citizen,
        "coordinator": coordinator,
        "coordinator_history": history,
        "participants": participants,
        "tasks": tasks,
        "overdue_count": sum(1 for t in tasks if t.overdue),
        "meetings": meetings,
        "attention_points": case.attention_points.all(),
        "current_plan": current_plan,
        "draft_plan": draft_plan,
        "consents": consents,
        "timeline": TimelineEvent.objects.filter(case=case).select_related("actor")[:8],
        "can_manage": can_manage,
        "open_transfer": open_transfer,
        "can_transfer": permissions.can_start_transfer(user, case),
        "can_see_cpr": bool(case.citizen.cpr) and permissions.can_see_cpr(user, case),
        "revealed_cpr": revealed_cpr,
        "today": today,
    }


@reads_case
@login_required
def case_detail(request, pk):
    """One screen: who does what, what is overdue, next meetings, attention points, the plan."""
    case = selectors.visible_case(request.user, pk)
    return render(request, "borgerforloeb/case_detail.html", _case_context(request, case))


@never_cache
@login_required
@require_POST
def case_show_cpr(request, pk):
    case = selectors.visible_case(request.user, pk)
    require(bool(case.citizen.cpr) and permissions.can_see_cpr(request.user, case))
    revealed = show_cpr(actor=request.user, citizen=case.citizen, case=case, request=request)
    return render(request, "borgerforloeb/case_detail.html", _case_context(request, case, revealed))


@reads_case
@login_required
def case_assign_coordinator(request, pk):
    case = selectors.visible_case(request.user, pk)
    require(permissions.can_manage_case(request.user, case))
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

    answer = handle_post(
        request,
        form,
        lambda data: assign_coordinator(actor=request.user, case=case, request=request, **data),
        success=_("Tovholderen er tildelt."),
        redirect_to=case,
        on_error=refused,
    )
    if answer is not None:
        return answer
    return form_page(request, case, form, title=_("Tildel tovholder"))


@reads_case
@login_required
def case_handover(request, pk):
    case = selectors.visible_case(request.user, pk)
    require(permissions.can_manage_case(request.user, case))
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
    case = selectors.visible_case(request.user, pk)
    require(permissions.can_manage_case(request.user, case))
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
