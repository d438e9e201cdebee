"""Portal middleware: idle-timeout sessions, the second sign-in factor, and the audit of reads of
case and citizen pages."""

import time

from django.conf import settings


class SlidingSessionMiddleware:
    """Idle timeout without a database write on every request.

    A signed-in user's session is saved, which pushes its expiry ``SESSION_COOKIE_AGE`` ahead, at
    most once per ``SESSION_REFRESH_SECONDS``: the user is logged out after an hour without
    activity (give or take that interval), and ordinary page views write nothing. Must come after
    SessionMiddleware and AuthenticationMiddleware (its response runs before the session is saved).
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def on_login(cls, sender, request, user, **kwargs):
        """A login saves the session anyway: count it as the latest refresh."""
        if request is not None and hasattr(request, "session"):
            request.session[cls.KEY] = int(time.time())

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and user is not None and user.is_authenticated and session.session_key:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return response


class TwoFactorMiddleware:
    """A signed-in session that still owes its second factor (core/two_factor.py) reaches only the
    two-factor pages, logout and the language switch; every other request is sent to setting up
    or entering a code, and comes back afterwards. Must come after django-otp's OTPMiddleware."""

    OPEN_PREFIXES = ("/konto/totrin/", "/konto/logout/", "/konto/login/", "/i18n/", "/healthz", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core import two_factor

        if not request.path_info.startswith(self.OPEN_PREFIXES):
            step = two_factor.owed_step(request)
            if step is not None:
                from django.shortcuts import redirect
                from django.urls import reverse
                from django.utils.http import urlencode

                url = reverse("two_factor_setup" if step == two_factor.SETUP else "two_factor_verify")
                if request.method in ("GET", "HEAD"):
                    url += "?" + urlencode({"next": request.get_full_path()})
                return redirect(url)
        return self.get_response(request)


# --- Audit of reads ------------------------------------------------------------------------------


class SensitiveReadAuditMiddleware:
    """The one writer of read audit rows: after a view declared with ``core.audit.audited_read``
    answered a GET or HEAD with 2xx, write its row (so only reads the visibility rule allowed are
    logged; outsiders got 404 and are not). Views never write their own read rows."""

    def __init__(self, get_response):
        self.get_response = get_response

    ADMIN_OBJECT_PAGES = ("_change", "_history", "_delete")

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in ("GET", "HEAD") and 200 <= response.status_code < 300:
            match = getattr(request, "resolver_match", None)
            if match is not None:
                self._audit(request, match, response)
        return response

    def _audit(self, request, match, response):
        from core import audit

        declared = getattr(match.func, "audited_read", None)
        if declared is not None:
            audit.record_read(request, match, declared)
            return
        # Django admin: the ModelAdmin declares its object pages; the page's context holds the object.
        declared = getattr(getattr(match.func, "model_admin", None), "audited_read", None)
        if declared is not None and (match.url_name or "").endswith(self.ADMIN_OBJECT_PAGES):
            context = getattr(response, "context_data", None) or {}
            shown = context.get("original") or context.get("object")
            if shown is not None:
                audit.record_read(request, match, declared, shown=shown)
