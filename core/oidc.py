"""Staff sign-in through the municipality's own OpenID Connect identity provider.

mozilla-django-oidc runs the authorization-code flow; this module adapts it to the portal:
users are matched by e-mail (case-insensitive) when the provider says the address is verified
(``email_verified`` is true), a person signing in for the first time gets a
user with no groups and therefore no rights until an administrator assigns a role, and a failed
sign-in goes back to the login page with a plain Danish message. Privileged accounts
(superusers, users with access to Django admin, administrators) are never signed in or created this
way: they use their password and their own second factor (core/two_factor.py). django-axes stays first in
``AUTHENTICATION_BACKENDS`` and sees every attempt (the callback passes the request on).

OIDC is on only when every ``OIDC_*`` setting in ``REQUIRED_SETTINGS`` is non-empty.
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from core import audit
from core.backends import RoleLoadingBackend
from core.forms import EmailAuthenticationForm

log = logging.getLogger(__name__)

REQUIRED_SETTINGS = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)


def oidc_enabled() -> bool:
    """True when the deployment has configured an OIDC identity provider."""
    return all(getattr(settings, name, "") for name in REQUIRED_SETTINGS)


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Match staff by e-mail; create unknown people without any group (no rights)."""

    def authenticate(self, request, **kwargs):
        if not oidc_enabled():
            return None
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as exc:  # provider down or refused the code
            log.warning("OIDC sign-in failed at the provider: %s", exc)
            return None

    def get_user(self, user_id):
        # Django's rule (inactive users are signed out), not the library's plain lookup.
        return RoleLoadingBackend.get_user(self, user_id)

    def verify_claims(self, claims):
        # An e-mail is required, and only one the provider says it has verified is trusted.
        return bool(claims.get("email")) and claims.get("email_verified") is True

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email)

    @transaction.atomic
    def create_user(self, claims):
        full_name = (claims.get("name") or "").strip()
        if not full_name:
            full_name = " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p)
        user = self.UserModel.objects.create_user(
            email=claims["email"].strip(), password=None, full_name=full_name[:200] or claims["email"]
        )
        audit.record(
            actor=None,
            action="create",
            obj=user,
            changes={"email": [None, user.email]},
            request=getattr(self, "request", None),
            note="Oprettet ved første login med kommunens login (ingen rettigheder)",
        )
        return user

    def update_user(self, user, claims):
        if not user.full_name and claims.get("name"):
            user.full_name = claims["name"][:200]
            user.save(update_fields=["full_name"])
        return user

    def get_or_create_user(self, access_token, id_token, payload):
        # The library's flow, with one more rule: a privileged account is never linked by e-mail.
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("Claims verification failed")
        users = list(self.filter_users_by_claims(claims))
        if len(users) > 1:
            raise SuspiciousOperation("Multiple users returned")
        request = getattr(self, "request", None)
        if users and is_privileged(users[0]):
            log.warning("OIDC sign-in refused: the e-mail belongs to a privileged account")
            audit.record(
                actor=None,
                action="other",
                obj=users[0],
                request=request,
                note="OIDC login refused: privileged",
            )
            if request is not None:
                request.oidc_privileged_refused = True
            return None
        user = self.update_user(users[0], claims) if users else self.create_user(claims)
        audit.record(actor=user, action="login", obj=user, request=request, note="OIDC")
        return user


def is_privileged(user) -> bool:
    """Accounts the municipality's provider may never sign in (see the module docstring)."""
    from core.two_factor import required_for

    return required_for(user)


class StaffOIDCAuthenticateView(OIDCAuthenticationRequestView):
    """Start the flow; "not found" while OIDC is not configured."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class StaffOIDCCallbackView(OIDCAuthenticationCallbackView):
    """Finish the flow; a failure goes back to the login page with a plain message."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        try:
            return super().dispatch(request, *args, **kwargs)
        except SuspiciousOperation as exc:  # unknown state, bad token signature or nonce
            log.warning("OIDC callback rejected: %s", exc)
            return self.login_failure()

    @property
    def failure_url(self):
        return reverse("login")

    def login_failure(self):
        if getattr(self.request, "axes_locked_out", False):
            return super().login_failure()  # axes middleware answers with its lockout page
        if getattr(self.request, "oidc_privileged_refused", False):
            messages.error(
                self.request,
                _(
                    "Administratorer logger ind med e-mail, adgangskode og totrinsbekræftelse, "
                    "ikke med kommunens login."
                ),
            )
        else:
            messages.error(
                self.request,
                _(
                    "Login med kommunens login lykkedes ikke. Prøv igen, eller log ind med e-mail og "
                    "adgangskode."
                ),
            )
        return HttpResponseRedirect(self.failure_url)


class LoginView(auth_views.LoginView):
    """The e-mail login page, with the municipality's login button when OIDC is configured."""

    authentication_form = EmailAuthenticationForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = oidc_enabled()
        return context
