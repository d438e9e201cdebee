"""Efforts of a case and the receiving organisation's inbound referrals."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from borgerforloeb import selectors, suggestions
from borgerforloeb.forms.efforts import EffortForm, ReferralAnswerForm, picker_context, uuid_or_none
from borgerforloeb.models import Consent, Effort
from borgerforloeb.permissions import reads_case
from borgerforloeb.services.efforts import EFFORT_FIELDS, answer_referral, save_effort
from core import audit
from core.audit import audited_read
from core.forms import handle_post
from samarbejde.models import Membership
from tilbud import picker


@reads_case
@login_required
def effort_list(request, pk):
    case = selectors.visible_case(request.user, pk)
    return render(
        request,
        "borgerforloeb/efforts/list.html",
        {
            "case": case,
            "efforts": selectors.case_efforts(case),
            "suggestions": suggestions.suggestions_for(case, request.user),
            "ranking_explained": suggestions.EXPLANATION,
        },
    )


@reads_case
@login_required
def effort_create(request, pk):
    case = selectors.visible_case(request.user, pk)
    return _effort_form(request, case, None)


@audited_read("borgerforloeb.effort", kwarg="effort_pk", case_kwarg="pk")
@login_required
def effort_edit(request, pk, effort_pk):
    case = selectors.visible_case(request.user, pk)
    effort = get_object_or_404(Effort, case=case, pk=effort_pk)
    return _effort_form(request, case, effort)


def _prefill(request) -> dict:
    """``?tilbud=<id>`` (from "Henvis borger" in the directory): a referral to that offer."""
    offer_id = uuid_or_none(request.GET.get("tilbud"))
    offer = picker.pickable(request.user).filter(pk=offer_id).first() if offer_id else None
    if offer is None:
        return {}
    return {
        "offer": offer.pk,
        "receiving_organisation": offer.organisation_id,
        "title": offer.name,
        "status": Effort.Status.REFERRED,
    }


def _save(request, case, effort, data):
    data.pop("offer_q", None)
    return save_effort(actor=request.user, case=case, effort=effort, request=request, **data)


def _effort_form(request, case, effort):
    initial = {f: getattr(effort, f) for f in EFFORT_FIELDS} if effort else {"responsible": request.user.pk}
    if effort:
        initial["offer"] = effort.offer_id
        initial["receiving_organisation"] = effort.receiving_organisation_id
        initial["responsible"] = effort.responsible_id
    else:
        initial.update(_prefill(request))
    if request.method == "POST" and "soeg_tilbud" in request.POST:
        # The picker's search without JavaScript: show the matches, keep everything typed.
        form = EffortForm(initial=request.POST.dict(), case=case, user=request.user)
    else:
        form = EffortForm(request.POST or None, case=case, user=request.user, initial=initial)
        answer = handle_post(
            request,
            form,
            lambda data: _save(request, case, effort, data),
            success=_("Indsatsen er gemt."),
            redirect_to=reverse("borgerforloeb:effort_list", kwargs={"pk": case.pk}),
        )
        if answer is not None:
            return answer
    return render(
        request,
        "borgerforloeb/efforts/form.html",
        {"case": case, "effort": effort, "form": form, "picker": picker_context(form, request.user)},
    )


def _consent_for(kind):
    """Exists: a valid consent of the effort's citizen covers the receiving organisation for
    ``kind`` of information."""
    return Exists(
        Consent.objects.valid()
        .filter(citizen=OuterRef("case__citizen_id"), information_kinds__contains=[kind])
        .filter(Q(case__isnull=True) | Q(case=OuterRef("case_id")))
        .filter(organisations=OuterRef("receiving_organisation_id"))
    )


def inbound_referrals(user):
    """Referred efforts (answered or not) for organisations the user is a member of."""
    orgs = Membership.objects.filter(user=user, organisation__archived_at__isnull=True).values(
        "organisation_id"
    )
    return (
        Effort.objects.filter(receiving_organisation__in=orgs, referred_at__isnull=False)
        .select_related("offer", "receiving_organisation", "responsible", "answered_by", "case__citizen")
        .annotate(
            consent_basic=_consent_for(Consent.InformationKind.BASIC),
            consent_situation=_consent_for(Consent.InformationKind.SITUATION),
        )
        .order_by("-referred_at", "pk")
    )


def initials(name: str) -> str:
    return "".join(f"{part[0]}." for part in (name or "").split() if part)


def referral_view(effort) -> dict:
    """What the receiving organisation may see of a referral (never the CPR number)."""
    citizen = effort.case.citizen
    if effort.consent_basic:
        first = (citizen.preferred_name or citizen.full_name).split()
        citizen_label = first[0] if first else ""
    else:
        citizen_label = initials(citizen.full_name)
    return {
        "effort": effort,
        "citizen_label": citizen_label,
        "summary": effort.case.summary if effort.consent_situation else "",
        "awaiting": effort.status == Effort.Status.REFERRED,
    }


@login_required
def referral_list(request):
    rows = [referral_view(e) for e in inbound_referrals(request.user)[:200]]
    return render(
        request,
        "borgerforloeb/efforts/referrals.html",
        {"awaiting": [r for r in rows if r["awaiting"]], "answered": [r for r in rows if not r["awaiting"]]},
    )


@audited_read("borgerforloeb.effort", kwarg="effort_pk", note="referral")
@login_required
def referral_answer(request, effort_pk):
    effort = get_object_or_404(inbound_referrals(request.user), pk=effort_pk)
    row = referral_view(effort)
    form = ReferralAnswerForm(request.POST or None) if row["awaiting"] else None
    answer = (
        handle_post(
            request,
            form,
            lambda data: answer_referral(
                actor=request.user,
                effort=effort,
                accept=data["answer"] == "accept",
                reason=data["reason"],
                reason_kind=data["reason_kind"],
                request=request,
            ),
            success=_("Svaret er sendt til tovholderen."),
            redirect_to="borgerforloeb:referral_list",
        )
        if form is not None
        else None
    )
    if answer is not None:
        return answer
    audit.read_subject(request, effort, case_id=effort.case_id)
    return render(request, "borgerforloeb/efforts/referral.html", {"row": row, "form": form})
