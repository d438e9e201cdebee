"""Writing the audit trail. Every service that writes calls ``record`` in its transaction."""

from __future__ import annotations

import re

from core.models import AuditEvent

SENSITIVE_FIELDS = {"cpr", "cpr_number", "password"}
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


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
