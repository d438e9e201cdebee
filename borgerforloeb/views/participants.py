"""The participants of a case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from borgerforloeb import permissions, selectors
from borgerforloeb.forms.participants import ParticipantForm
from borgerforloeb.models import Participant
from borgerforloeb.permissions import reads_case
from borgerforloeb.services.participants import add_participant, end_participation
from borgerforloeb.views.helpers import managed_case, require
from core.forms import apply_errors, handle_post


@reads_case
@login_required
def case_participants(request, pk):
    case = selectors.visible_case(request.user, pk)
    can_manage = permissions.can_manage_case(request.user, case)
    form = ParticipantForm(request.POST or None, user=request.user, case=case) if can_manage else None
    if request.method == "POST":
        require(can_manage)

    def refused(form, error):
        if hasattr(error, "error_dict"):
            apply_errors(form, error)
        else:
            form.add_error("organisation" if error.code == "no_consent" else None, error.messages)

    answer = (
        handle_post(
            request,
            form,
            lambda data: add_participant(actor=request.user, case=case, request=request, **data),
            success=_("Deltageren er tilføjet."),
            redirect_to=reverse("borgerforloeb:case_participants", kwargs={"pk": case.pk}),
            on_error=refused,
        )
        if form is not None
        else None
    )
    if answer is not None:
        return answer
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
    case = managed_case(request, pk)
    participant = get_object_or_404(Participant, case=case, pk=participant_pk)
    end_participation(actor=request.user, participant=participant, request=request)
    messages.success(
        request, _("%(person)s deltager ikke længere i forløbet.") % {"person": participant.person_name}
    )
    return redirect("borgerforloeb:case_participants", pk=case.pk)
