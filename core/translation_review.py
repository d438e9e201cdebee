"""Reviewing the translations in the browser (django-rosetta at /oversaettelser/).

Rosetta writes the .po files on the server's disk, so only superusers and the members of the
group ``TRANSLATION_REVIEWERS`` (e.g. a municipality's Greenlandic-speaking staff, added by a
superuser in Django admin) may open it. Each saved change is a write and leaves an audit row.
A kalaallisut entry keeps its translator comment asking a fluent speaker to review it.
"""

from __future__ import annotations

from rosetta.signals import entry_changed

from core.audit import redact
from core.models import AuditEvent

TRANSLATION_REVIEWERS = "Oversættelser"


def can_review_translations(user) -> bool:
    """``settings.ROSETTA_ACCESS_CONTROL_FUNCTION``: superusers and the reviewers' group."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=TRANSLATION_REVIEWERS).exists()


def audit_translation_change(sender, *, user, old_msgstr, language_code, **kwargs) -> None:
    """One audit row per changed translation: who, which language, the message and the change."""
    AuditEvent.objects.create(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=AuditEvent.Action.UPDATE,
        object_type="locale.translation",
        object_id=language_code,
        object_repr=redact(sender.msgid)[:200],
        changes=redact({"msgstr": [old_msgstr, sender.msgstr]}),
        note="rosetta",
    )


def connect() -> None:
    entry_changed.connect(audit_translation_change, dispatch_uid="core.audit_translation_change")
