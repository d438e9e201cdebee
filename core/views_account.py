"""The person's own account security: two-factor sign-in (set up, enter a code, recovery codes,
turn off). The rules are in core/two_factor.py; these views only ask and answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import two_factor
from core.forms import SecondFactorForm
from core.http import safe_next_url


def _with_next(url_name: str, next_url: str) -> str:
    return reverse(url_name) + "?" + urlencode({"next": next_url})


@never_cache
@login_required
def setup(request):
    """Set up an authenticator app: QR code and key, then the first code confirms it."""
    user = request.user
    next_url = safe_next_url(request, reverse("home"))
    if two_factor.has_app(user):
        return redirect(
            _with_next("two_factor_verify", next_url) if two_factor.owed_step(request) else "security"
        )
    device = two_factor.pending_app(user)
    form = SecondFactorForm(request.POST or None, recovery=False)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_app(request, device, form.cleaned_data["code"])
        if codes is not None:
            request.session[two_factor.NEW_CODES_SESSION_KEY] = codes
            return redirect(_with_next("two_factor_recovery_codes", next_url))
        form.add_error(
            "code", _("Koden passer ikke. Tjek at appen viser Samarbejdsportalen, og prøv den nye kode.")
        )
    context = {
        "form": form,
        "next": next_url,
        "required": two_factor.required_for(user),
        "qr_svg": two_factor.qr_svg(device, _("QR-kode til godkenderappen")),
        "secret": two_factor.secret_for_display(device),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
@login_required
def verify(request):
    """Enter a code from the app (or a recovery code) to finish signing in."""
    next_url = safe_next_url(request, reverse("home"))
    step = two_factor.owed_step(request)
    if step is None:
        return redirect(next_url)
    if step == two_factor.SETUP:
        return redirect(_with_next("two_factor_setup", next_url))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(request, form.cleaned_data["code"])
        if device is not None:
            if device.persistent_id.startswith("otp_static"):
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _("Du brugte en gendannelseskode. Du har %(count)s tilbage; lav nye under Sikkerhed.")
                    % {"count": left},
                )
            return redirect(next_url)
        if two_factor.throttled(request.user):
            form.add_error(
                "code",
                _("For mange forkerte koder. Vent et øjeblik, og prøv igen med den nye kode fra appen."),
            )
        else:
            form.add_error(
                "code", _("Koden passer ikke eller er udløbet. Prøv igen med den nye kode fra appen.")
            )
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def recovery_codes(request):
    """The new recovery codes, shown once (printable)."""
    codes = request.session.pop(two_factor.NEW_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("security")
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {"codes": codes, "next": safe_next_url(request, reverse("home"))},
    )


@never_cache
@login_required
def security(request):
    """The person's sign-in security: two-factor on or off, recovery codes left."""
    user = request.user
    context = {
        "has_app": two_factor.has_app(user),
        "required": two_factor.required_for(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "by_provider": two_factor.signed_in_by_provider(request),
        "form": SecondFactorForm(recovery=False),
    }
    return render(request, "registration/security.html", context)


@login_required
@require_POST
def new_recovery_codes(request):
    if not two_factor.has_app(request.user):
        return redirect("security")
    request.session[two_factor.NEW_CODES_SESSION_KEY] = two_factor.new_recovery_codes(request.user)
    return redirect(_with_next("two_factor_recovery_codes", reverse("security")))


@login_required
@require_POST
def disable(request):
    """Turn two-factor off, confirmed with a code from the app; never for those who must use it."""
    user = request.user
    if two_factor.required_for(user) or not two_factor.has_app(user):
        return redirect("security")
    form = SecondFactorForm(request.POST, recovery=False)
    device = two_factor.app_device(user)
    if form.is_valid() and device.verify_token("".join(form.cleaned_data["code"].split())):
        two_factor.disable(request)
        messages.success(request, _("Totrinsbekræftelse er slået fra."))
        return redirect("security")
    form.add_error("code", _("Koden passer ikke eller er udløbet. Prøv igen med den nye kode fra appen."))
    context = {
        "has_app": True,
        "required": False,
        "codes_left": two_factor.recovery_codes_left(user),
        "by_provider": two_factor.signed_in_by_provider(request),
        "form": form,
    }
    return render(request, "registration/security.html", context, status=400)
