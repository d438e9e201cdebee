"""Attention points and decisions of a case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb import selectors
from borgerforloeb.forms.decisions import AttentionPointFormSet, DecisionForm
from borgerforloeb.models import Decision
from borgerforloeb.permissions import reads_case
from borgerforloeb.services.decisions import ensure_attention_points, record_decision, update_attention_points
from core.forms import apply_errors


@reads_case
@login_required
def attention_edit(request, pk):
    """All points in one form: status and note for each."""
    case = selectors.visible_case(request.user, pk)
    points = ensure_attention_points(case=case)
    initial = [{"pk": p.pk, "status": p.status, "note": p.note} for p in points]
    formset = AttentionPointFormSet(request.POST or None, initial=initial, prefix="punkter")
    if request.method == "POST" and formset.is_valid():
        changes = {
            f.cleaned_data["pk"]: {"status": f.cleaned_data["status"], "note": f.cleaned_data["note"].strip()}
            for f in formset.forms
            if f.cleaned_data
        }
        try:
            changed = update_attention_points(actor=request.user, case=case, changes=changes, request=request)
        except ValidationError as error:
            formset.forms[0].add_error(None, error.messages)
        else:
            messages.success(request, _("Opmærksomhedspunkterne er gemt (%(n)s ændret).") % {"n": changed})
            return redirect(case)
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
    if request.method == "POST" and form.is_valid():
        try:
            record_decision(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Beslutningen er registreret."))
            return redirect("borgerforloeb:decision_list", pk=case.pk)
    return render(request, "borgerforloeb/decisions/form.html", {"case": case, "form": form})
