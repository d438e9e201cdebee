"""Citizen sign-in through a national identity broker (MitID via OpenID Connect).

Configured with the ``CITIZEN_OIDC_*`` settings, this replaces the coordinator's invitation:
the citizen signs in at the broker, the broker's CPR claim (``CITIZEN_OIDC_CPR_CLAIM``) is
matched to a citizen, and the same short citizen session starts as after an invitation. It
reuses mozilla-django-oidc's code flow (state, nonce, PKCE, signature check against the
broker's JWKS) with its own settings, so it works with any standard OIDC provider and can sit
beside the staff login, which uses the ``OIDC_*`` settings. It asks for the assurance levels in
``CITIZEN_OIDC_ACR_VALUES`` and refuses an ID token whose ``acr`` is not one of them (e.g. a
MitID sign-in at a low level, or none at all).
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from borgerforloeb.models import Citizen
from core import audit
from core.models import AuditEvent
from mit_forloeb import invitations

log = logging.getLogger(__name__)

SETTING_NAMES = {
    "OIDC_RP_CLIENT_ID": "CITIZEN_OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "CITIZEN_OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "CITIZEN_OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "CITIZEN_OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "CITIZEN_OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT": "CITIZEN_OIDC_OP_JWKS_ENDPOINT",
    "OIDC_RP_SIGN_ALGO": "CITIZEN_OIDC_RP_SIGN_ALGO",
    "OIDC_RP_SCOPES": "CITIZEN_OIDC_RP_SCOPES",
}
FIXED = {
    "OIDC_AUTHENTICATION_CALLBACK_URL": "citizen:oidc_callback",
    "OIDC_USE_PKCE": True,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_STORE_ID_TOKEN": False,
    "OIDC_REDIRECT_FIELD_NAME": "next",
}
REQUIRED = [name for key, name in SETTING_NAMES.items() if key not in ("OIDC_RP_SIGN_ALGO", "OIDC_RP_SCOPES")]


def citizen_oidc_enabled() -> bool:
    return all(getattr(settings, name, "") for name in REQUIRED)


def accepted_acr_values() -> list[str]:
    return list(getattr(settings, "CITIZEN_OIDC_ACR_VALUES", []) or [])


def _get_setting(attr, *args):
    if attr == "OIDC_AUTH_REQUEST_EXTRA_PARAMS":
        return {"acr_values": " ".join(accepted_acr_values())}
    if attr in FIXED:
        return FIXED[attr]
    if attr in SETTING_NAMES:
        value = getattr(settings, SETTING_NAMES[attr], "")
        if value:
            return value
        return args[0] if args else value
    return getattr(settings, attr, *args)


class CitizenOIDCClient(OIDCAuthenticationBackend):
    """The code flow against the broker; returns the matching ``Citizen`` (never a ``User``)."""

    @staticmethod
    def get_settings(attr, *args):
        return _get_setting(attr, *args)

    def get_or_create_user(self, access_token, id_token, payload):
        # The assurance level comes from the signed ID token only (never from userinfo).
        if payload.get("acr") not in accepted_acr_values():
            log.warning(
                "Citizen OIDC sign-in refused: assurance level %r is not accepted", payload.get("acr")
            )
            return None
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        return match_citizen(claims)

    def store_tokens(self, access_token, id_token):
        pass  # the citizen session carries only the citizen's id


def match_citizen(claims: dict) -> Citizen | None:
    """The citizen whose CPR number is the broker's CPR claim; None when none or invalid."""
    raw = str(claims.get(getattr(settings, "CITIZEN_OIDC_CPR_CLAIM", "cpr")) or "")
    return Citizen.objects.with_cpr(raw).first()


class CitizenOIDCAuthenticateView(OIDCAuthenticationRequestView):
    """Start the broker login; "not found" when it is not configured."""

    @staticmethod
    def get_settings(attr, *args):
        return _get_setting(attr, *args)

    def dispatch(self, request, *args, **kwargs):
        if not citizen_oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def callback(request):
    """Finish the broker login and start the citizen session."""
    if not citizen_oidc_enabled():
        raise Http404
    state, code = request.GET.get("state"), request.GET.get("code")
    states = request.session.get("oidc_states") or {}
    citizen = None
    if state and code and state in states:
        entry = states.pop(state)
        request.session["oidc_states"] = states
        try:
            citizen = CitizenOIDCClient().authenticate(
                request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
            )
        except (SuspiciousOperation, requests.RequestException) as exc:
            log.warning("Citizen OIDC sign-in failed: %s", exc)
    if citizen is None:
        return render(request, "mit_forloeb/oidc_failed.html", status=403)
    invitations.sign_in_citizen(request, citizen)
    audit.record(
        actor=None, action=AuditEvent.Action.LOGIN, obj=citizen, request=request, note="citizen OIDC"
    )
    return redirect("citizen:home")
