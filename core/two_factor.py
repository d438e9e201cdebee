"""Two-factor sign-in for staff, with django-otp: an authenticator app (TOTP) and one-time
recovery codes (django-otp's static tokens).

Who must pass a second factor
- Superusers, users with access to Django admin (``is_staff``) and administrators: always. Until
  they have set up an app they are sent to the setup page after their password, and no other page
  (admin included) answers them; afterwards every sign-in asks for a code.
- Everyone else who has set up an app on "Sikkerhed" (``/konto/sikkerhed/``).
- Nobody who signed in through the municipality's OpenID Connect provider (core/oidc.py): the
  provider does the second factor. Privileged accounts are never signed in that way.

``TwoFactorMiddleware`` (core/middleware.py) enforces it: a signed-in session that still owes its
second factor reaches only the two-factor pages, logout and the language switch. Ordinary page
views cost no query: what a sign-in owes is noted in the session at login (``SESSION_KEY``), and
``is_staff``/``is_superuser`` are checked on every request, so a promotion takes effect at once.
"""

from __future__ import annotations

import base64
import io

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import audit
from core.models import AuditEvent
from core.roles import Role

SESSION_KEY = "two_factor_owed"  # set at a password sign-in that must be followed by a code
NEW_CODES_SESSION_KEY = "two_factor_new_codes"  # recovery codes shown once, then dropped
OIDC_BACKEND = "core.oidc.StaffOIDCBackend"
DEVICE_NAME = "app"
RECOVERY_NAME = "recovery"

SETUP, VERIFY = "setup", "verify"


def required_for(user) -> bool:
    """Superusers, users with access to Django admin and administrators must use two factors."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or user.has_role(Role.ADMINISTRATOR))


def app_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("id").first()


def has_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def signed_in_by_provider(request) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND


def on_login(sender, request, user, **kwargs):
    """``user_logged_in``: note whether this sign-in owes a second factor."""
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    session.pop(SESSION_KEY, None)
    if session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND and not required_for(user):
        return
    if required_for(user) or has_app(user):
        session[SESSION_KEY] = True


def owed_step(request) -> str | None:
    """``SETUP`` or ``VERIFY`` when the signed-in user still owes a second factor, else None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    session = request.session
    privileged = user.is_staff or user.is_superuser
    if not (privileged or session.get(SESSION_KEY)):
        return None
    if DEVICE_ID_SESSION_KEY in session and user.is_verified():
        return None
    if signed_in_by_provider(request) and not privileged:
        return None
    return VERIFY if has_app(user) else SETUP


# --- Setting up -----------------------------------------------------------------------------------


def pending_app(user) -> TOTPDevice:
    """The unconfirmed app being set up (one per user, kept until confirmed)."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice, label: str) -> str:
    """The app's set-up link as an inline SVG QR code: drawn on the server, no script or style."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    from django.utils.html import escape

    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" class="qr-code" ', 1)
    return mark_safe(svg)  # noqa: S308 - generated by qrcode from our own URL; label escaped


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes (django-otp's static tokens, each usable once); the new
    ones are returned to be shown once."""
    count = getattr(settings, "TWO_FACTOR_RECOVERY_CODES", 10)
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(count)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _record(request, action, obj, note) -> None:
    """The audit row of what the signed-in user did with their own second factor."""
    audit.record(actor=request.user, action=action, obj=obj, request=request, note=note)


def confirm_app(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Finish setting up: the first code from the app confirms it. Returns the new recovery codes
    (to show once) and marks this session as having passed its second factor; None for a wrong
    code."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        if not device.verify_token(_clean(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = new_recovery_codes(user)
        _record(request, AuditEvent.Action.CREATE, device, "two-factor set up")
    _passed(request, device)
    return codes


def disable(request) -> None:
    """Remove the user's app and recovery codes (not for users who must use two factors)."""
    user = request.user
    with transaction.atomic():
        for device in TOTPDevice.objects.filter(user=user):
            _record(request, AuditEvent.Action.DELETE, device, "two-factor turned off")
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    request.session.pop(SESSION_KEY, None)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


# --- Signing in ---------------------------------------------------------------------------------


def _clean(code: str) -> str:
    return "".join((code or "").split()).lower()


def verify(request, code: str):
    """Check a code from the app or a recovery code; the device that took it, or None."""
    user = request.user
    token = _clean(code)
    device = None
    with transaction.atomic():
        if token.isdigit():
            candidates = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
        else:
            candidates = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
        for candidate in candidates:
            if candidate.verify_token(token):
                device = candidate
                break
        _record(
            request,
            AuditEvent.Action.LOGIN if device else AuditEvent.Action.OTHER,
            user,
            ("second factor: recovery code" if isinstance(device, StaticDevice) else "second factor: app")
            if device
            else "second factor: wrong code",
        )
    if device is not None:
        _passed(request, device)
    return device


def throttled(user) -> bool:
    """True while wrong codes have made the app wait before it takes another (django-otp's
    throttling doubles the wait after each wrong code)."""
    device = app_device(user)
    return device is not None and device.throttling_failure_count >= 3 and not device.verify_is_allowed()[0]


def _passed(request, device) -> None:
    request.session.cycle_key()  # a new session id once the sign-in is complete
    otp_login(request, device)
    request.session.pop(SESSION_KEY, None)


def reset(user, *, actor=None) -> int:
    """Support: remove a person's app and recovery codes (lost phone). Their next sign-in leads
    to setting up again. Returns the number of devices removed."""
    with transaction.atomic():
        devices = list(TOTPDevice.objects.filter(user=user)) + list(StaticDevice.objects.filter(user=user))
        for device in devices:
            audit.record(actor=actor, action=AuditEvent.Action.DELETE, obj=device, note="two-factor reset")
            device.delete()
    return len(devices)
