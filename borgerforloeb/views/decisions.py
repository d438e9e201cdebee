"""Attention points and decisions of a case."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb import selectors
from borgerforloeb.forms.decisions import AttentionPointFormSet, DecisionForm
from borgerforloeb.models import Decision
from borgerforloeb.permissions import reads_case
from borgerforloeb.services.decisions import ensure_attention_points, record_decision, update_attention_points
from core.forms import handle_post


@reads_case
@login_required
def attention_edit(request, pk):
    """All points in one form: status and note for each."""
    case = selectors.visible_case(request.user, pk)
    points = ensure_attention_points(case=case)
    initial = [{"pk": p.pk, "status": p.status, "note": p.note} for p in points]
    formset = AttentionPointFormSet(request.POST or None, initial=initial, prefix="punkter")

    def update(rows):
        changes = {row["pk"]: {"status": row["status"], "note": row["note"].strip()} for row in rows if row}
        return update_attention_points(actor=request.user, case=case, changes=changes, request=request)

    answer = handle_post(
        request,
        formset,
        update,
        success=lambda changed: _("Opmærksomhedspunkterne er gemt (%(n)s ændret).") % {"n": changed},
        redirect_to=case,
        on_error=lambda formset, error: formset.forms[0].add_error(None, error.messages),
    )
    if answer is not None:
        return answer
    rows = list(zip(points, formset.forms, strict=False))
    return render(
        request, "borgerforloeb/attention/edit.html", {"case": case, "formset": formset, "rows": rows}
    )


@reads_case
@login_required
def decision_list(request, pk):
    case = selectors.visible_case(request.user, pk)
    decisions = (
        Decision.objects.filter(case=case)
        .select_related("recorded_by", "meeting")
        .order_by("-decided_on", "-created_at")
    )
    return render(request, "borgerforloeb/decisions/list.html", {"case": case, "decisions": decisions})


@reads_case
@login_required
def decision_create(request, pk):
    case = selectors.visible_case(request.user, pk)
    form = DecisionForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    answer = handle_post(
        request,
        form,
        lambda data: record_decision(actor=request.user, case=case, request=request, **data),
        success=_("Beslutningen er registreret."),
        redirect_to=reverse("borgerforloeb:decision_list", kwargs={"pk": case.pk}),
    )
    if answer is not None:
        return answer
    return render(request, "borgerforloeb/decisions/form.html", {"case": case, "form": form})
