"""The citizen's consents on a case: list, record, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from borgerforloeb import permissions, selectors
from borgerforloeb.forms.consents import ConsentForm, WithdrawConsentForm
from borgerforloeb.models import Case, Consent
from borgerforloeb.permissions import reads_case
from borgerforloeb.services.consents import record_consent, withdraw_consent
from borgerforloeb.views.helpers import form_page, managed_case
from core.forms import handle_post


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
    case = managed_case(request, pk)
    form = ConsentForm(
        request.POST or None,
        user=request.user,
        case=case,
        initial={"valid_from": timezone.localdate(), "language": case.citizen.preferred_language},
    )

    def record(data):
        fields = {k: v for k, v in data.items() if k != "only_this_case"}
        return record_consent(
            actor=request.user,
            citizen=case.citizen,
            case=case if data["only_this_case"] else None,
            request=request,
            **fields,
        )

    return handle_post(
        request,
        form,
        record,
        success=_("Samtykket er registreret."),
        redirect_to=reverse("borgerforloeb:case_consents", kwargs={"pk": case.pk}),
    ) or form_page(request, case, form, title=_("Registrér samtykke"))


@login_required
@require_POST
def consent_withdraw(request, pk, consent_pk):
    case = managed_case(request, pk)
    consent = get_object_or_404(
        Consent.objects.filter(citizen=case.citizen_id).filter(Q(case__isnull=True) | Q(case=case)),
        pk=consent_pk,
    )
    form = WithdrawConsentForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    withdraw_consent(actor=request.user, consent=consent, note=note, request=request)
    messages.success(request, _("Samtykket er tilbagekaldt. Det gælder fra nu."))
    if not Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("borgerforloeb:my_cases")
    return redirect("borgerforloeb:case_consents", pk=case.pk)
