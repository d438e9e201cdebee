"""Case pages. Thin: every read starts from ``visible_to`` (others get 404), writes go to services."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from borgerforloeb import permissions, selectors, services
from borgerforloeb.forms import (
    AssignCoordinatorForm,
    CaseForm,
    CitizenForm,
    CloseCaseForm,
    ConsentForm,
    HandoverForm,
    ParticipantForm,
    TaskForm,
    TimelineFilterForm,
    WithdrawConsentForm,
    municipalities_for,
)
from borgerforloeb.models import (
    Case,
    Citizen,
    Consent,
    CoordinatorAssignment,
    Meeting,
    Participant,
    PlanVersion,
    Task,
    TimelineEvent,
)
from borgerforloeb.permissions import reads_case, reads_citizen
from core.forms import apply_errors

PAGE_SIZE = 25
CITIZEN_FORM_FIELDS = (
    "preferred_name",
    "date_of_birth",
    "preferred_language",
    "other_language",
    "interpreter_wanted",
    "phone",
    "email",
    "address",
    "contact_preference",
    "contact_notes",
    "target_groups",
    "is_newcomer",
    "arrived_on",
    "what_matters",
)


def _next_url(request, default):
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


# --- Lists -----------------------------------------------------------------------------------------


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
def my_tasks(request):
    """Mine opgaver: open tasks I am responsible for; overdue ones first and highlighted."""
    include_done = request.GET.get("udfoerte") == "1"
    page = Paginator(selectors.my_tasks(request.user, include_done=include_done), 50).get_page(
        request.GET.get("side")
    )
    return render(
        request,
        "borgerforloeb/my_tasks.html",
        {
            "page": page,
            "tasks": page.object_list,
            "include_done": include_done,
            "today": timezone.localdate(),
        },
    )


# --- Citizens ------------------------------------------------------------------------------------


@login_required
def citizen_create(request):
    _require(permissions.can_create_citizen(request.user))
    municipalities = municipalities_for(request.user)
    form = CitizenForm(
        request.POST or None, user=request.user, municipalities=municipalities, request=request
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in CITIZEN_FORM_FIELDS}
        try:
            citizen = services.create_citizen(
                actor=request.user,
                municipality=data["municipality"],
                full_name=data["full_name"],
                cpr=data["cpr"],
                request=request,
                **fields,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Borgeren er oprettet. Opret nu forløbet."))
            return redirect(f"{reverse('borgerforloeb:case_create')}?borger={citizen.pk}")
    return render(request, "borgerforloeb/citizen_form.html", {"form": form})


@reads_citizen
@login_required
def citizen_edit(request, pk):
    """Only the citizen's own municipality's caseworkers edit the citizen; the municipality is
    shown but never offered for change (a transfer between municipalities is a separate,
    consented workflow)."""
    citizen = get_object_or_404(Citizen.objects.visible_to(request.user), pk=pk)
    _require(permissions.can_edit_citizen(request.user, citizen))
    form = CitizenForm(request.POST or None, instance=citizen, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in CITIZEN_FORM_FIELDS}
        if form.cpr_changed:
            fields["cpr"] = data["cpr"]
        try:
            services.update_citizen(
                actor=request.user,
                citizen=citizen,
                full_name=data["full_name"],
                request=request,
                **fields,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Borgerens oplysninger er gemt."))
            return redirect(citizen)
    return render(request, "borgerforloeb/citizen_form.html", {"form": form, "citizen": citizen})


def _citizen_context(request, citizen, revealed_cpr=""):
    cases = (
        Case.objects.visible_to(request.user)
        .filter(citizen=citizen)
        .prefetch_related(selectors.active_coordinator_prefetch())
    )
    return {
        "citizen": citizen,
        "cases": cases,
        "can_see_cpr": bool(citizen.cpr) and permissions.can_see_cpr(request.user, citizen=citizen),
        "can_create_case": permissions.can_open_case_for(request.user, citizen),
        "revealed_cpr": revealed_cpr,
    }


@reads_citizen
@login_required
def citizen_detail(request, pk):
    citizen = get_object_or_404(
        Citizen.objects.visible_to(request.user).select_related("municipality"), pk=pk
    )
    return render(request, "borgerforloeb/citizen_detail.html", _citizen_context(request, citizen))


@never_cache
@login_required
@require_POST
def citizen_show_cpr(request, pk):
    citizen = get_object_or_404(
        Citizen.objects.visible_to(request.user).select_related("municipality"), pk=pk
    )
    _require(bool(citizen.cpr) and permissions.can_see_cpr(request.user, citizen=citizen))
    revealed = services.show_cpr(actor=request.user, citizen=citizen, request=request)
    return render(request, "borgerforloeb/citizen_detail.html", _citizen_context(request, citizen, revealed))


# --- Cases -------------------------------------------------------------------------------------------


@login_required
def case_create(request):
    """A case is opened by a caseworker of the citizen's own municipality, in that municipality."""
    _require(permissions.can_create_citizen(request.user))
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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_case(
                actor=request.user,
                citizen=data["citizen"],
                summary=data["summary"],
                start_date=data["start_date"],
                coordinator=data["coordinator"],
                coordinator_organisation=data["coordinator_organisation"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
            if not form.errors:
                form.add_error("coordinator", error.messages)
        else:
            messages.success(request, _("Forløbet er oprettet."))
            return redirect(case)
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
        CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True)
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
    _require(bool(case.citizen.cpr) and permissions.can_see_cpr(request.user, case))
    revealed = services.show_cpr(actor=request.user, citizen=case.citizen, case=case, request=request)
    return render(request, "borgerforloeb/case_detail.html", _case_context(request, case, revealed))


def _form_page(request, case, form, *, title, intro="", submit=None):
    return render(
        request,
        "borgerforloeb/case_form_page.html",
        {"case": case, "form": form, "title": title, "intro": intro, "submit": submit or _("Gem")},
    )


@reads_case
@login_required
def case_assign_coordinator(request, pk):
    case = selectors.visible_case(request.user, pk)
    _require(permissions.can_manage_case(request.user, case))
    if CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True).exists():
        messages.info(request, _("Forløbet har allerede en tovholder. Du kan overdrage forløbet i stedet."))
        return redirect("borgerforloeb:case_handover", pk=case.pk)
    form = AssignCoordinatorForm(request.POST or None, user=request.user, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_coordinator(
                actor=request.user,
                case=case,
                person=form.cleaned_data["person"],
                organisation=form.cleaned_data["organisation"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.CoordinatorAlreadyActive:
            messages.warning(
                request,
                _("En anden har netop givet forløbet en tovholder. Du kan overdrage forløbet i stedet."),
            )
            return redirect("borgerforloeb:case_handover", pk=case.pk)
        except ValidationError as error:
            form.add_error("person", error.messages)
        else:
            messages.success(request, _("Tovholderen er tildelt."))
            return redirect(case)
    return _form_page(request, case, form, title=_("Tildel tovholder"))


@reads_case
@login_required
def case_handover(request, pk):
    case = selectors.visible_case(request.user, pk)
    _require(permissions.can_manage_case(request.user, case))
    current = (
        CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True)
        .select_related("person")
        .first()
    )
    form = HandoverForm(
        request.POST or None, current=current.person if current else None, user=request.user, case=case
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.hand_over_case(
                actor=request.user,
                case=case,
                new_person=form.cleaned_data["new_person"],
                organisation=form.cleaned_data["organisation"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                apply_errors(form, error)
            else:
                form.add_error("new_person", error.messages)
        else:
            messages.success(request, _("Forløbet er overdraget. Begge tovholdere får besked."))
            # A former coordinator without another role in the case may no longer see it.
            if Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
                return redirect(case)
            return redirect("borgerforloeb:my_cases")
    intro = (
        _(
            "Nuværende tovholder: %(person)s. Overdragelsen afslutter denne tildeling "
            "og starter den nye i ét trin."
        )
        % {"person": current.person}
        if current
        else _("Forløbet har ingen tovholder.")
    )
    return _form_page(request, case, form, title=_("Overdrag forløbet"), intro=intro, submit=_("Overdrag"))


@reads_case
@login_required
def case_status(request, pk):
    case = selectors.visible_case(request.user, pk)
    _require(permissions.can_manage_case(request.user, case))
    form = CloseCaseForm(
        request.POST or None, initial={"status": case.status, "closed_reason": case.closed_reason}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_case_status(
                actor=request.user,
                case=case,
                status=form.cleaned_data["status"],
                closed_reason=form.cleaned_data["closed_reason"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Forløbets status er ændret."))
            return redirect(case)
    return _form_page(request, case, form, title=_("Skift status"))


@reads_case
@login_required
def case_participants(request, pk):
    case = selectors.visible_case(request.user, pk)
    can_manage = permissions.can_manage_case(request.user, case)
    form = ParticipantForm(request.POST or None, user=request.user, case=case) if can_manage else None
    if request.method == "POST":
        _require(can_manage)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_participant(
                    actor=request.user,
                    case=case,
                    user=data["user"],
                    name=data["name"],
                    organisation=data["organisation"],
                    role=data["role"],
                    responsibility=data["responsibility"],
                    request=request,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    apply_errors(form, error)
                else:
                    form.add_error("organisation" if error.code == "no_consent" else None, error.messages)
            else:
                messages.success(request, _("Deltageren er tilføjet."))
                return redirect("borgerforloeb:case_participants", pk=case.pk)
    participants = (
        Participant.objects.filter(case=case)
        .select_related("user", "organisation")
        .order_by("-active", "role", "added_at")
    )
    return render(
        request,
        "borgerforloeb/participants.html",
        {"case": case, "participants": participants, "form": form, "can_manage": can_manage},
    )


@login_required
@require_POST
def participant_end(request, pk, participant_pk):
    case = selectors.visible_case(request.user, pk)
    _require(permissions.can_manage_case(request.user, case))
    participant = get_object_or_404(Participant, case=case, pk=participant_pk)
    services.end_participation(actor=request.user, participant=participant, request=request)
    messages.success(
        request, _("%(person)s deltager ikke længere i forløbet.") % {"person": participant.person_name}
    )
    return redirect("borgerforloeb:case_participants", pk=case.pk)


@reads_case
@login_required
def task_create(request, pk):
    case = selectors.visible_case(request.user, pk)
    _require(permissions.can_add_task(request.user, case))
    form = TaskForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_task(
                actor=request.user,
                case=case,
                title=data["title"],
                responsible=data["responsible"],
                due_date=data["due_date"],
                description=data["description"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Opgaven er oprettet."))
            return redirect(case)
    return _form_page(
        request,
        case,
        form,
        title=_("Ny opgave"),
        intro=_("Den ansvarlige vælges blandt forløbets tovholder og deltagere med login."),
    )


@login_required
@require_POST
def task_complete(request, task_pk):
    task = get_object_or_404(
        Task.objects.filter(case__in=Case.objects.visible_to(request.user).values("pk")).select_related(
            "case"
        ),
        pk=task_pk,
    )
    _require(permissions.can_complete_task(request.user, task))
    services.complete_task(actor=request.user, task=task, request=request)
    messages.success(request, _("Opgaven “%(title)s” er markeret som udført.") % {"title": task.title})
    return redirect(_next_url(request, task.case.get_absolute_url()))


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


# --- Consent ------------------------------------------------------------------------------------


@reads_case
@login_required
def case_consents(request, pk):
    case = selectors.visible_case(request.user, pk)
    consents = (
        Consent.objects.filter(citizen=case.citizen_id)
        .filter(Q(case__isnull=True) | Q(case=case))
        .select_related("withdrawn_by", "recorded_by")
        .prefetch_related("organisations", "persons")
        .order_by("withdrawn_at", "-valid_from", "-created_at")
    )
    return render(
        request,
        "borgerforloeb/consents.html",
        {
            "case": case,
            "consents": consents,
            "can_manage": permissions.can_manage_case(request.user, case),
            "withdraw_form": WithdrawConsentForm(),
        },
    )


@reads_case
@login_required
def consent_create(request, pk):
    case = selectors.visible_case(request.user, pk)
    _require(permissions.can_manage_case(request.user, case))
    form = ConsentForm(
        request.POST or None,
        user=request.user,
        case=case,
        initial={"valid_from": timezone.localdate(), "language": case.citizen.preferred_language},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_consent(
                actor=request.user,
                citizen=case.citizen,
                case=case if data["only_this_case"] else None,
                organisations=data["organisations"],
                persons=data["persons"],
                information_kinds=data["information_kinds"],
                text_shown=data["text_shown"],
                language=data["language"],
                given_how=data["given_how"],
                witness=data["witness"],
                interpreter_name=data["interpreter_name"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Samtykket er registreret."))
            return redirect("borgerforloeb:case_consents", pk=case.pk)
    return _form_page(request, case, form, title=_("Registrér samtykke"))


@login_required
@require_POST
def consent_withdraw(request, pk, consent_pk):
    case = selectors.visible_case(request.user, pk)
    _require(permissions.can_manage_case(request.user, case))
    consent = get_object_or_404(
        Consent.objects.filter(citizen=case.citizen_id).filter(Q(case__isnull=True) | Q(case=case)),
        pk=consent_pk,
    )
    form = WithdrawConsentForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    services.withdraw_consent(actor=request.user, consent=consent, note=note, request=request)
    messages.success(request, _("Samtykket er tilbagekaldt. Det gælder fra nu."))
    if not Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("borgerforloeb:my_cases")
    return redirect("borgerforloeb:case_consents", pk=case.pk)
