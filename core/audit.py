"""Writing the audit trail. Every service that writes calls ``record`` in its transaction; every
page that shows case or citizen data is declared with ``audited_read`` (see below)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from core.models import AuditEvent

SENSITIVE_FIELDS = {"cpr", "cpr_number", "password"}
CITIZEN_VIEW_NOTE = "citizen_view"  # AuditEvent.note of a citizen's reads of their own case
CPR_PATTERN = re.compile(r"\b(\d{6})-?\d{4}\b")


def redact(value):
    """Mask anything that looks like a CPR number (keep the date part only)."""
    if isinstance(value, str):
        return CPR_PATTERN.sub(r"\1-XXXX", value)
    if isinstance(value, dict):
        return {k: ("[skjult]" if k in SENSITIVE_FIELDS else redact(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def diff(old: dict, new: dict) -> dict:
    """Fields that changed, as {field: [old, new]}, sensitive values hidden."""
    changes = {}
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before != after:
            if key in SENSITIVE_FIELDS:
                changes[key] = ["[skjult]", "[skjult]"]
            else:
                changes[key] = [redact(_jsonable(before)), redact(_jsonable(after))]
    return changes


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


@lru_cache(maxsize=8)
def _trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request) -> str | None:
    """The address of the person making the request.

    ``REMOTE_ADDR`` unless it is one of ``TRUSTED_PROXIES``: then ``X-Forwarded-For`` is read from
    the right, skipping the trusted proxies, and the first other address is the client. Without a
    trusted proxy the header is ignored (anyone can send it). Also django-axes' address.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not remote or not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return remote  # a garbled header: keep the proxy's address rather than guess
        if not _is_trusted(address, networks):
            return address
    return forwarded[0] if forwarded else remote


def record(
    *,
    actor,
    action: str,
    obj,
    changes: dict | None = None,
    case_id=None,
    request=None,
    note: str = "",
) -> AuditEvent:
    """Append one audit row for ``obj`` (a model instance)."""
    meta = obj._meta
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=f"{meta.app_label}.{meta.model_name}",
        object_id=str(obj.pk),
        object_repr=redact(str(obj))[:200],
        case_id=case_id,
        changes=redact(changes or {}),
        ip_address=client_ip(request),
        note=note[:200],
    )


# --- Audit of reads -------------------------------------------------------------------------------
#
# One mechanism: a view that shows case or citizen data is declared with ``@audited_read(...)``;
# after it answered a GET successfully, ``core.middleware.SensitiveReadAuditMiddleware`` writes one
# "view" row (one INSERT, nothing read). Outsiders got 404 and leave no row. The row names the
# object from the URL's arguments; a view whose URL does not carry what was read (the citizen's own
# pages, a referral) names it with ``read_subject``, which writes nothing itself. In Django admin a
# ModelAdmin declares its object pages (change, history, delete) with ``audited_admin_reads``.


@dataclass(frozen=True)
class AuditedRead:
    """What a GET of the declared view reads: ``object_type`` ("app_label.model") with its id in
    the URL argument ``kwarg`` and the case's id in ``case_kwarg``; ``note`` says which page
    (default: the URL's name); ``citizen`` marks the citizen's own pages (the reader is the
    signed-in citizen, not a staff user)."""

    object_type: str
    kwarg: str | None = "pk"
    case_kwarg: str | None = None
    note: str | None = None
    action: str = AuditEvent.Action.VIEW
    citizen: bool = False
    # Admin pages: the object the page showed → (the object to name, its case's id or None).
    subject: Callable | None = None


def audited_admin_reads(subject: Callable) -> AuditedRead:
    """The declaration for a ModelAdmin (``model_admin.audited_read = audited_admin_reads(...)``):
    each GET of one of its object pages writes a row naming what ``subject(obj)`` returns; the
    note is "admin:<app_label>.<model>"."""
    return AuditedRead("", kwarg=None, subject=subject)


def audited_read(
    object_type: str,
    *,
    kwarg: str | None = "pk",
    case_kwarg: str | None = None,
    note: str | None = None,
    action: str = AuditEvent.Action.VIEW,
    citizen: bool = False,
):
    """Declare a view as a read of case or citizen data (kept on the view as ``audited_read``)."""
    declaration = AuditedRead(object_type, kwarg, case_kwarg, note, action, citizen)

    def decorate(view):
        view.audited_read = declaration
        return view

    return decorate


def read_subject(request, obj=None, *, case_id=None, note: str | None = None, changes=None) -> None:
    """Name what a declared view read when its URL does not say it (``obj``, its case, the page),
    and anything the row should carry besides (``changes``, e.g. how a citizen signed in)."""
    request._audit_read_subject = {"obj": obj, "case_id": case_id, "note": note, "changes": changes}


def record_read(request, match, declared: AuditedRead, shown=None) -> AuditEvent | None:
    """The row for a successful GET of a declared view (called by the middleware only); ``shown``
    is the object an admin page showed."""
    subject = getattr(request, "_audit_read_subject", None) or {}
    if shown is not None and declared.subject is not None:
        obj, case_id = declared.subject(shown)
        subject = {"obj": obj, "case_id": case_id, "note": f"admin:{shown._meta.label_lower}"}
    changes = redact(subject.get("changes") or {})
    obj = subject.get("obj")
    if obj is not None:
        object_type = f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id, object_repr = obj.pk, redact(str(obj))[:200]
    else:
        object_type, object_repr = declared.object_type, ""
        object_id = match.kwargs.get(declared.kwarg) if declared.kwarg else None
    case_id = subject.get("case_id")
    if case_id is None and declared.case_kwarg:
        case_id = match.kwargs.get(declared.case_kwarg)
    if object_id is None:
        return None
    user = getattr(request, "user", None)
    actor = None if declared.citizen or not getattr(user, "is_authenticated", False) else user
    note = subject.get("note") or declared.note or match.url_name or ""
    return AuditEvent.objects.create(
        actor=actor,
        action=declared.action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr,
        case_id=case_id,
        changes=changes,
        ip_address=client_ip(request),
        note=note[:200],
    )
