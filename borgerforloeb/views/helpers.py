"""What the case pages share: the next URL, the permission check, the form page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

PAGE_SIZE = 25


def next_url(request, default):
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


def require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def form_page(request, case, form, *, title, intro="", submit=None):
    return render(
        request,
        "borgerforloeb/case_form_page.html",
        {"case": case, "form": form, "title": title, "intro": intro, "submit": submit or _("Gem")},
    )
