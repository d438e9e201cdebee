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
