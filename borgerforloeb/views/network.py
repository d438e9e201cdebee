"""The network map of a case: the map with its table, adding and changing people, making one a
participant, versions recorded with the citizen, comparing two versions, the A4 print."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from borgerforloeb import permissions, selectors
from borgerforloeb.forms.network import NetworkPersonForm, NetworkVersionForm
from borgerforloeb.models import NetworkMapVersion, NetworkPerson
from borgerforloeb.permissions import reads_case
from borgerforloeb.services import network
from borgerforloeb.views.helpers import compared_versions, managed_case, require
from core import audit
from core.forms import handle_post


def _map_url(case) -> str:
    return reverse("borgerforloeb:network_map", kwargs={"pk": case.pk})


def _versions(case):
    return NetworkMapVersion.objects.filter(case=case).select_related("recorded_by").order_by("-number")


def _version(case, number) -> NetworkMapVersion:
    return get_object_or_404(
        NetworkMapVersion.objects.filter(case=case).select_related("case__citizen", "recorded_by"),
        number=number,
    )


@reads_case
@login_required
def network_map(request, pk):
    case = selectors.visible_case(request.user, pk)
    can_manage = permissions.can_manage_case(request.user, case)
    if request.method == "POST":
        require(can_manage)
    form = NetworkPersonForm(request.POST or None, user=request.user, case=case) if can_manage else None
    if form is not None:
        answer = handle_post(
            request,
            form,
            lambda data: network.add_person(actor=request.user, case=case, request=request, **data),
            success=lambda person: _("%(name)s er sat på kortet.") % {"name": person.name},
            redirect_to=_map_url(case) + "#kort",
        )
        if answer is not None:
            return answer
    current = network.current_map(case)
    return render(
        request,
        "borgerforloeb/network/map.html",
        {
            "case": case,
            "map": current,
            "svg": network.render_svg(current),
            "versions": list(_versions(case)),
            "form": form,
            "can_manage": can_manage,
        },
    )


@reads_case
@login_required
def network_person_edit(request, pk, person_pk):
    case = managed_case(request, pk)
    person = get_object_or_404(NetworkPerson, case=case, pk=person_pk)
    form = NetworkPersonForm(request.POST or None, instance=person, user=request.user, case=case)
    answer = handle_post(
        request,
        form,
        # The service reads the stored row itself and compares it with what was typed.
        lambda data: network.update_person(
            actor=request.user, person=person, request=request, **{f: data[f] for f in network.PERSON_FIELDS}
        ),
        success=lambda changed: _("%(name)s er ændret.") % {"name": changed.name},
        redirect_to=_map_url(case) + "#kort",
    )
    if answer is not None:
        return answer
    return render(
        request, "borgerforloeb/network/person_form.html", {"case": case, "person": person, "form": form}
    )


@login_required
@require_POST
def network_person_remove(request, pk, person_pk):
    case = managed_case(request, pk)
    person = get_object_or_404(NetworkPerson.objects.select_related("case"), case=case, pk=person_pk)
    network.remove_person(actor=request.user, person=person, request=request)
    messages.success(request, _("%(name)s er taget af kortet.") % {"name": person.name})
    return redirect(_map_url(case) + "#kort")


@login_required
@require_POST
def network_make_participant(request, pk, person_pk):
    case = managed_case(request, pk)
    person = get_object_or_404(NetworkPerson, case=case, pk=person_pk)
    try:
        network.make_participant(actor=request.user, person=person, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s deltager nu i forløbet.") % {"name": person.name})
    return redirect(_map_url(case) + "#kort")


@reads_case
@login_required
def network_version_create(request, pk):
    case = managed_case(request, pk)
    initial = {"held_on": timezone.localdate()}
    if case.citizen.interpreter_wanted:
        initial["citizen_participation"] = "interpreter"
    form = NetworkVersionForm(request.POST or None, case=case, initial=initial)
    answer = handle_post(
        request,
        form,
        lambda data: network.record_version(actor=request.user, case=case, request=request, **data),
        success=lambda version: (
            _("Version %(number)s af netværkskortet er gemt.") % {"number": version.number}
        ),
        redirect_to=lambda version: reverse(
            "borgerforloeb:network_version", kwargs={"pk": case.pk, "number": version.number}
        ),
    )
    if answer is not None:
        return answer
    current = network.current_map(case)
    return render(
        request,
        "borgerforloeb/network/version_form.html",
        {"case": case, "form": form, "map": current, "svg": network.render_svg(current)},
    )


@reads_case
@login_required
def network_version(request, pk, number):
    case = selectors.visible_case(request.user, pk)
    version = _version(case, number)
    shown = network.version_map(version)
    return render(
        request,
        "borgerforloeb/network/version.html",
        {
            "case": case,
            "version": version,
            "participants": list(version.participants.all()),
            "map": shown,
            "svg": network.render_svg(shown),
            "has_previous": number > 1,
        },
    )


@reads_case
@login_required
def network_compare(request, pk):
    case = selectors.visible_case(request.user, pk)
    versions = list(_versions(case))
    if len(versions) < 2:
        messages.info(request, _("Der skal være to versioner af kortet, før de kan sammenlignes."))
        return redirect(_map_url(case))
    old, new = compared_versions(request, versions)
    old_map, new_map = network.version_map(old), network.version_map(new)
    return render(
        request,
        "borgerforloeb/network/compare.html",
        {
            "case": case,
            "versions": versions,
            "old": old,
            "new": new,
            "diff": network.compare(old_map, new_map),
            "old_svg": network.render_svg(old_map, id_prefix="netmap-old"),
            "new_svg": network.render_svg(new_map, id_prefix="netmap-new"),
        },
    )


@reads_case
@login_required
def network_print(request, pk):
    """One A4 page: the map and its table; ``?version=N`` prints a recorded version."""
    case = selectors.visible_case(request.user, pk)
    version = None
    if request.GET.get("version", "").isdigit():
        version = _version(case, int(request.GET["version"]))
        shown = network.version_map(version)
    else:
        shown = network.current_map(case)
    audit.read_subject(request, version or case, case_id=case.pk, note="network_print")
    return render(
        request,
        "borgerforloeb/network/print.html",
        {
            "case": case,
            "citizen": case.citizen,
            "version": version,
            "map": shown,
            "svg": network.render_svg(shown),
        },
    )
