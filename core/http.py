"""Request helpers every app's views share."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, default: str) -> str:
    """The ``next`` the form or link carried (POST first, then the query string) when it points
    into this site over an allowed scheme (https when the request is), else ``default``: a
    ``next`` never sends the user to another site."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
