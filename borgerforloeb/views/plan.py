"""The plan pages: versions, editing with optimistic locking, acceptance, compare, print."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from borgerforloeb import permissions, selectors
from borgerforloeb.forms.plan import AcceptPlanForm, GoalFormSet, PlanVersionForm
from borgerforloeb.models import PlanVersion
from borgerforloeb.permissions import reads_case
from borgerforloeb.services import documents
from borgerforloeb.services.plan import PLAN_FIELDS, accept_plan_version, new_plan_version, save_plan_version
from borgerforloeb.views.helpers import compared_versions, managed_case
from core import audit
from core.forms import handle_post


def _versions(case):
    return (
        PlanVersion.objects.filter(plan__case=case)
        .select_related("acceptance", "created_by", "updated_by")
        .annotate(goal_count=Count("goals"))
        .order_by("-number")
    )


def _version(case, number):
    return get_object_or_404(
        PlanVersion.objects.filter(plan__case=case).select_related("acceptance__recorded_by"), number=number
    )


@reads_case
@login_required
def plan_detail(request, pk):
    case = selectors.visible_case(request.user, pk)
    versions = list(_versions(case))
    current = next((v for v in versions if v.status == PlanVersion.Status.ACCEPTED), None)
    draft = next((v for v in versions if v.status == PlanVersion.Status.DRAFT), None)
    shown = [v for v in (current, draft) if v is not None]
    goals = {}
    if shown:
        for version in PlanVersion.objects.filter(pk__in=[v.pk for v in shown]).prefetch_related("goals"):
            goals[version.pk] = list(version.goals.all())
    for version in shown:
        version.goal_list = goals.get(version.pk, [])
    if current is not None:
        acceptance = getattr(current, "acceptance", None)
        current.accepted_participants = list(acceptance.participants.all()) if acceptance else []
    return render(
        request,
        "borgerforloeb/plan/detail.html",
        {
            "case": case,
            "current": current,
            "draft": draft,
            "versions": versions,
            "can_manage": permissions.can_manage_case(request.user, case),
        },
    )


@login_required
@require_POST
def plan_new_version(request, pk):
    case = managed_case(request, pk)
    version = new_plan_version(actor=request.user, case=case, request=request)
    messages.success(request, _("Kladden til version %(number)s er klar.") % {"number": version.number})
    return redirect("borgerforloeb:plan_edit", pk=case.pk, number=version.number)


def _managed_draft(request, pk, number, not_a_draft):
    """The case the user manages and its plan version ``number``, or (case, None) when that
    version is no longer a draft (the user is told ``not_a_draft``)."""
    case = managed_case(request, pk)
    version = _version(case, number)
    if version.status != PlanVersion.Status.DRAFT:
        messages.info(request, not_a_draft)
        return case, None
    return case, version


def _goal_initial(version):
    return [{"text": g.text, "who_helps": g.who_helps} for g in version.goals.all()]


@reads_case
@login_required
def plan_edit(request, pk, number):
    case, version = _managed_draft(
        request, pk, number, _("Kun en kladde kan ændres. Start en ny version for at ændre planen.")
    )
    if version is None:
        return redirect("borgerforloeb:plan_detail", pk=case.pk)
    if request.method == "POST":
        form = PlanVersionForm(request.POST)
        goals = GoalFormSet(request.POST, prefix="goals")

        def save(data):
            goal_data = [
                {"text": g["text"].strip(), "who_helps": g["who_helps"].strip()}
                for g in goals.cleaned_data
                if g and not g.get("DELETE") and (g.get("text") or "").strip()
            ]
            return save_plan_version(
                actor=request.user, version=version, goals=goal_data, request=request, **data
            )

        answer = handle_post(
            request,
            form,
            save,
            success=_("Planen er gemt."),
            redirect_to=reverse("borgerforloeb:plan_detail", kwargs={"pk": case.pk}),
            also_valid=[goals],
            on_error=lambda form, error: form.add_error(None, error.messages),
        )
        if answer is not None:
            return answer
    else:
        form = PlanVersionForm(
            initial={name: getattr(version, name) for name in [*PLAN_FIELDS, "lock_version"]}
        )
        goals = GoalFormSet(initial=_goal_initial(version), prefix="goals")
    return render(
        request,
        "borgerforloeb/plan/edit.html",
        {"case": case, "version": version, "form": form, "goals": goals},
    )


@reads_case
@login_required
def plan_accept(request, pk, number):
    case, version = _managed_draft(request, pk, number, _("Denne version er allerede behandlet."))
    if version is None:
        return redirect("borgerforloeb:plan_detail", pk=case.pk)
    initial = {"lock_version": version.lock_version}
    if case.citizen.interpreter_wanted:
        initial["citizen_participation"] = "interpreter"
    form = AcceptPlanForm(request.POST or None, case=case, initial=initial)
    return handle_post(
        request,
        form,
        lambda data: accept_plan_version(actor=request.user, version=version, request=request, **data),
        success=_("Version %(number)s er accepteret og er nu planen.") % {"number": number},
        redirect_to=reverse("borgerforloeb:plan_detail", kwargs={"pk": case.pk}),
    ) or render(
        request,
        "borgerforloeb/plan/accept.html",
        {"case": case, "version": version, "form": form, "goals": list(version.goals.all())},
    )


@reads_case
@login_required
def plan_version(request, pk, number):
    case = selectors.visible_case(request.user, pk)
    version = _version(case, number)
    acceptance = getattr(version, "acceptance", None)
    return render(
        request,
        "borgerforloeb/plan/version.html",
        {
            "case": case,
            "version": version,
            "goals": list(version.goals.all()),
            "acceptance": acceptance,
            "accepted_participants": list(acceptance.participants.all()) if acceptance else [],
            "can_manage": permissions.can_manage_case(request.user, case),
        },
    )


COMPARE_FIELDS = [
    ("purpose", _("Formål")),
    ("efforts", _("Indsatser")),
    ("expected_duration", _("Forventet varighed")),
    ("other_matters", _("Andre forhold")),
    ("next_review", _("Næste opfølgning")),
]


def _lines(value) -> list[str]:
    if value is None:
        return []
    if hasattr(value, "strftime"):
        return [value.strftime("%d-%m-%Y")]
    return str(value).splitlines()


def diff_lines(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    """(kind, text) pairs: kind is "same", "removed" or "added" (difflib.ndiff)."""
    kinds = {" ": "same", "-": "removed", "+": "added"}
    return [(kinds[line[0]], line[2:]) for line in difflib.ndiff(old, new) if line[0] in kinds]


def compare_versions(old: PlanVersion, new: PlanVersion) -> dict:
    fields = []
    for name, label in COMPARE_FIELDS:
        a, b = _lines(getattr(old, name)), _lines(getattr(new, name))
        fields.append({"name": name, "label": label, "changed": a != b, "lines": diff_lines(a, b)})

    def goal_lines(version):
        return [f"{g.text}" + (f" – {g.who_helps}" if g.who_helps else "") for g in version.goals.all()]

    goal_old, goal_new = goal_lines(old), goal_lines(new)
    return {"fields": fields, "goals": diff_lines(goal_old, goal_new), "goals_changed": goal_old != goal_new}


@reads_case
@login_required
def plan_compare(request, pk):
    case = selectors.visible_case(request.user, pk)
    versions = list(PlanVersion.objects.filter(plan__case=case).order_by("-number"))
    if len(versions) < 2:
        messages.info(request, _("Der er kun én version af planen, så der er intet at sammenligne."))
        return redirect("borgerforloeb:plan_detail", pk=case.pk)
    old, new = compared_versions(request, versions)
    return render(
        request,
        "borgerforloeb/plan/compare.html",
        {"case": case, "old": old, "new": new, "versions": versions, "diff": compare_versions(old, new)},
    )


@reads_case
@login_required
def plan_print(request, pk, number):
    """The printable plan; ``?udgave=borger`` is the citizen's take-home copy without internal
    notes, in the citizen's language (Danish or kalaallisut). Rendered like the other forms
    (``services.documents``), which also make its PDF."""
    case = selectors.visible_case(request.user, pk)
    version = _version(case, number)
    citizen_copy = request.GET.get("udgave") == "borger"
    document = documents.build_document(
        case, "plan", version_number=version.number, citizen_copy=citizen_copy
    )
    audit.read_subject(request, version, case_id=case.pk, note="plan_print_citizen" if citizen_copy else None)
    # The PDF is the citizen's copy, like every form filled from the case.
    pdf_url = ""
    if citizen_copy:
        pdf_url = reverse("borgerforloeb:document_pdf", args=[case.pk, "plan"]) + f"?version={version.number}"
    back_url = reverse("borgerforloeb:plan_detail", args=[case.pk])
    return HttpResponse(documents.render_html(document, back_url=back_url, pdf_url=pdf_url))
