"""Citizen pages: register, edit, show (and reveal the CPR number)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from borgerforloeb import permissions, selectors
from borgerforloeb.forms.citizens import CitizenForm
from borgerforloeb.forms.fields import municipalities_for
from borgerforloeb.models import Case, Citizen
from borgerforloeb.permissions import reads_citizen
from borgerforloeb.services.citizens import CITIZEN_FIELDS, create_citizen, show_cpr, update_citizen
from borgerforloeb.views.helpers import require
from core.forms import handle_post


@login_required
def citizen_create(request):
    require(permissions.can_create_citizen(request.user))
    municipalities = municipalities_for(request.user)
    form = CitizenForm(
        request.POST or None, user=request.user, municipalities=municipalities, request=request
    )

    def create(data):
        return create_citizen(
            actor=request.user,
            municipality=data["municipality"],
            cpr=data["cpr"],
            request=request,
            **{k: data[k] for k in CITIZEN_FIELDS},
        )

    return handle_post(
        request,
        form,
        create,
        success=_("Borgeren er oprettet. Opret nu forløbet."),
        redirect_to=lambda citizen: f"{reverse('borgerforloeb:case_create')}?borger={citizen.pk}",
    ) or render(request, "borgerforloeb/citizen_form.html", {"form": form})


@reads_citizen
@login_required
def citizen_edit(request, pk):
    """Only the citizen's own municipality's caseworkers edit the citizen; the municipality is
    shown but never offered for change (a transfer between municipalities is a separate,
    consented workflow)."""
    citizen = get_object_or_404(Citizen.objects.visible_to(request.user), pk=pk)
    require(permissions.can_edit_citizen(request.user, citizen))
    form = CitizenForm(request.POST or None, instance=citizen, user=request.user, request=request)

    def update(data):
        fields = {k: data[k] for k in CITIZEN_FIELDS}
        if form.cpr_changed:
            fields["cpr"] = data["cpr"]
        return update_citizen(actor=request.user, citizen=citizen, request=request, **fields)

    return handle_post(
        request, form, update, success=_("Borgerens oplysninger er gemt."), redirect_to=citizen
    ) or render(request, "borgerforloeb/citizen_form.html", {"form": form, "citizen": citizen})


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
    require(bool(citizen.cpr) and permissions.can_see_cpr(request.user, citizen=citizen))
    revealed = show_cpr(actor=request.user, citizen=citizen, request=request)
    return render(request, "borgerforloeb/citizen_detail.html", _citizen_context(request, citizen, revealed))
