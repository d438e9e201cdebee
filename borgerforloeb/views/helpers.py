"""What the case pages share: the permission check and the form page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from borgerforloeb import permissions, selectors

PAGE_SIZE = 25


def require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def managed_case(request, pk):
    """The case ``pk`` when the user may see it (else 404) and manage it (else 403)."""
    case = selectors.visible_case(request.user, pk)
    require(permissions.can_manage_case(request.user, case))
    return case


def form_page(request, case, form, *, title, intro="", submit=None):
    return render(
        request,
        "borgerforloeb/case_form_page.html",
        {"case": case, "form": form, "title": title, "intro": intro, "submit": submit or _("Gem")},
    )


def compared_versions(request, versions):
    """The (old, new) pair a compare page shows, by number from ``?gammel=`` and ``?ny=``; by
    default the newest and the one before it (``versions``: newest first, at least two)."""
    by_number = {v.number: v for v in versions}

    def pick(param, default):
        try:
            return by_number.get(int(request.GET.get(param, "")), default)
        except ValueError:
            return default

    new = pick("ny", versions[0])
    old = pick("gammel", versions[1] if new is versions[0] else versions[-1])
    return old, new
