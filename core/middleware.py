"""Portal middleware: idle-timeout sessions, audit of sensitive reads, and (only in benchmark runs)
a Server-Timing header that lets an HTTP client read the server-side time."""

import time

from django.conf import settings


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.3f}"
        return response


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


# --- Audit of sensitive reads ---------------------------------------------------------------------

# URL name ("namespace:name") → (object type "app_label.model", URL kwarg with the object's id,
# URL kwarg with the case id or None). Apps register the pages whose views do not audit their
# own reads; a successful GET of such a page by a signed-in user writes one AuditEvent "view".
AUDITED_READS: dict[str, tuple[str, str, str | None]] = {}


def audit_reads(url_name: str, *, object_type: str, kwarg: str = "pk", case_kwarg: str | None = None) -> None:
    AUDITED_READS[url_name] = (object_type, kwarg, case_kwarg)


class SensitiveReadAuditMiddleware:
    """Write the audit row for registered pages after the view answered 200 (so only reads the
    visibility rule allowed are logged; outsiders got 404 and are not)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            match is not None
            and AUDITED_READS
            and request.method in ("GET", "HEAD")
            and response.status_code == 200
            and getattr(request.user, "is_authenticated", False)
        ):
            entry = AUDITED_READS.get(match.view_name)
            if entry is not None:
                self._record(request, match, *entry)
        return response

    @staticmethod
    def _record(request, match, object_type, kwarg, case_kwarg):
        from core.audit import client_ip
        from core.models import AuditEvent

        object_id = match.kwargs.get(kwarg)
        if object_id is None:
            return
        AuditEvent.objects.create(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            object_type=object_type,
            object_id=str(object_id),
            case_id=match.kwargs.get(case_kwarg) if case_kwarg else None,
            ip_address=client_ip(request),
            note=match.url_name[:200],
        )
