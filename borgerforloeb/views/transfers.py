"""Transfers between municipalities: start (on the case), the list of open transfers, one
transfer's page (the summary; accept, decline, withdraw) and the handover meeting's .ics."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from borgerforloeb import ics, permissions, selectors
from borgerforloeb.forms.transfers import AcceptTransferForm, DeclineTransferForm, TransferStartForm
from borgerforloeb.models import Case, CaseTransfer, TransferPart
from borgerforloeb.permissions import reads_case
from borgerforloeb.services.transfers import (
    SUMMARY_RELATED,
    accept_transfer,
    decline_transfer,
    default_meeting_start,
    inbound_transfers_for,
    outbound_transfers_for,
    start_transfer,
    transfer_summary,
    withdraw_transfer,
)
from borgerforloeb.views.helpers import require
from core import audit
from core.audit import audited_read
from core.forms import handle_post

reads_transfer = audited_read("borgerforloeb.casetransfer", kwarg="pk")


def _visible_transfer(user, pk) -> CaseTransfer:
    """The transfer or 404 when the user may not see it (``CaseTransfer.objects.visible_to``)."""
    return get_object_or_404(
        CaseTransfer.objects.visible_to(user).select_related(
            *SUMMARY_RELATED, "new_coordinator", "answered_by", "handover_meeting"
        ),
        pk=pk,
    )


@reads_case
@login_required
def transfer_start(request, pk):
    case = selectors.visible_case(request.user, pk)
    require(permissions.can_start_transfer(request.user, case))
    open_transfer = CaseTransfer.objects.open().filter(case=case).first()
    if open_transfer is not None:
        messages.info(request, _("Forløbet har allerede en åben overdragelse."))
        return redirect(open_transfer)
    form = TransferStartForm(request.POST or None, case=case)
    answer = handle_post(
        request,
        form,
        lambda data: start_transfer(actor=request.user, case=case, request=request, **form.service_kwargs()),
        success=_("Overdragelsen er sendt. Den modtagende kommune ser kun et resumé, indtil de tager imod."),
        redirect_to=lambda transfer: transfer,
    )
    if answer is not None:
        return answer
    return render(request, "borgerforloeb/transfers/start.html", {"case": case, "form": form})


@login_required
def transfer_list(request):
    """Open transfers: inbound (waiting for my municipality's answer) and outbound (ours)."""
    inbound = [transfer_summary(t) for t in inbound_transfers_for(request.user)[:200]]
    outbound = list(outbound_transfers_for(request.user)[:200])
    return render(request, "borgerforloeb/transfers/list.html", {"inbound": inbound, "outbound": outbound})


def _detail_page(request, transfer, *, accept_form=None, decline_form=None, status=200):
    user = request.user
    can_answer = permissions.can_answer_transfer(user, transfer)
    if can_answer:
        accept_form = accept_form or AcceptTransferForm(
            transfer=transfer, initial={"meeting_at": default_meeting_start(transfer)}
        )
        decline_form = decline_form or DeclineTransferForm()
    case_visible = Case.objects.visible_to(user).filter(pk=transfer.case_id).exists()
    archive = []
    if transfer.status == CaseTransfer.Status.ACCEPTED and permissions.can_see_transfer_archive(
        user, transfer
    ):
        labels = dict(TransferPart.choices)
        archive = [(labels.get(part, part), rows) for part, rows in transfer.withheld.items()]
    audit.read_subject(request, transfer, case_id=transfer.case_id)
    return render(
        request,
        "borgerforloeb/transfers/detail.html",
        {
            "row": transfer_summary(transfer),
            "transfer": transfer,
            "can_answer": can_answer,
            "can_withdraw": permissions.can_withdraw_transfer(user, transfer),
            "case_visible": case_visible,
            "accept_form": accept_form if can_answer else None,
            "decline_form": decline_form if can_answer else None,
            "archive": archive,
        },
        status=status,
    )


@reads_transfer
@login_required
def transfer_detail(request, pk):
    return _detail_page(request, _visible_transfer(request.user, pk))


def _open_transfer_or_redirect(request, pk):
    """The visible transfer while it is open, else a redirect to it with a message."""
    transfer = _visible_transfer(request.user, pk)
    if transfer.status != CaseTransfer.Status.PENDING:
        messages.warning(request, _("Overdragelsen er ikke længere åben."))
        return transfer, redirect(transfer)
    return transfer, None


def _answer(request, pk, *, form_class, form_name, form_kwargs, act, success, redirect_to):
    """Accept or decline: only the receiving municipality's caseworkers, only while open; a bad
    answer shows the transfer's page again with the form's errors."""
    transfer, closed = _open_transfer_or_redirect(request, pk)
    if closed is not None:
        return closed
    require(permissions.can_answer_transfer(request.user, transfer))
    form = form_class(request.POST, **form_kwargs(transfer))
    answer = handle_post(
        request, form, lambda data: act(transfer, data), success=success, redirect_to=redirect_to
    )
    if answer is not None:
        return answer
    return _detail_page(request, transfer, **{form_name: form})


@login_required
@require_POST
def transfer_accept(request, pk):
    return _answer(
        request,
        pk,
        form_class=AcceptTransferForm,
        form_name="accept_form",
        form_kwargs=lambda transfer: {"transfer": transfer},
        act=lambda transfer, data: accept_transfer(
            actor=request.user,
            transfer=transfer,
            new_coordinator=data["new_coordinator"],
            meeting_at=data["meeting_at"],
            request=request,
        ),
        success=_("Forløbet er modtaget. Begge tovholdere og borgeren får besked."),
        redirect_to=lambda accepted: accepted.case,
    )


@login_required
@require_POST
def transfer_decline(request, pk):
    return _answer(
        request,
        pk,
        form_class=DeclineTransferForm,
        form_name="decline_form",
        form_kwargs=lambda transfer: {},
        act=lambda transfer, data: decline_transfer(
            actor=request.user, transfer=transfer, reason=data["reason"], request=request
        ),
        success=_("Overdragelsen er afvist. Den afsendende kommune kan se begrundelsen."),
        redirect_to="borgerforloeb:transfer_list",
    )


@login_required
@require_POST
def transfer_withdraw(request, pk):
    transfer, closed = _open_transfer_or_redirect(request, pk)
    if closed is not None:
        return closed
    require(permissions.can_withdraw_transfer(request.user, transfer))
    try:
        withdraw_transfer(actor=request.user, transfer=transfer, request=request)
    except ValidationError as error:  # someone answered first
        messages.warning(request, error.messages[0])
        return redirect(transfer)
    messages.success(request, _("Overdragelsen er trukket tilbage. Intet er ændret i forløbet."))
    return redirect(transfer.case)


@reads_transfer
@login_required
def transfer_ics(request, pk):
    """The joint handover meeting's invitation, for both sides (the sending coordinator may no
    longer see the case itself)."""
    transfer = _visible_transfer(request.user, pk)
    meeting = transfer.handover_meeting
    if meeting is None:
        return redirect(transfer)
    meeting.case = transfer.case
    audit.read_subject(request, transfer, case_id=transfer.case_id)
    response = HttpResponse(ics.meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="overdragelsesmoede.ics"'
    return response
