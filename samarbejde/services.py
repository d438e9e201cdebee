"""Every write to the framework: keyword-only, takes the acting user, audited, in a transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.forms.models import model_to_dict
from django.utils import timezone

from core.audit import diff, record
from core.queue import enqueue_on_commit
from samarbejde.models import (
    Channel,
    Forum,
    ForumAction,
    ForumMeeting,
    GuidanceDocument,
    KnowledgePage,
    Membership,
    Organisation,
    Unit,
    WorkTool,
)
from samarbejde.tasks import notify_forum_actions


class DuplicateOrganisation(Exception):
    def __init__(self, existing: Organisation):
        super().__init__(f"Organisation already exists: {existing.pk}")
        self.existing = existing


class OrganisationInUse(Exception):
    """The organisation still has people, offers or cases: archive it instead."""

    def __init__(self, organisation: Organisation, blocking: dict[str, int]):
        super().__init__(f"Organisation {organisation.pk} is still in use: {blocking}")
        self.organisation = organisation
        self.blocking = blocking


def snapshot(obj) -> dict:
    data = model_to_dict(obj)
    data.pop("file", None)
    return {key: (sorted(str(v.pk) for v in value) if isinstance(value, list) else value)
            for key, value in data.items()}  # fmt: skip


def _save(*, actor, obj, fields: dict, m2m: dict | None = None, request=None):
    """Create or update ``obj`` with ``fields`` (and many-to-many ``m2m``), audited."""
    creating = obj._state.adding
    # Read "before" from the database: a bound ModelForm has already changed ``obj`` in memory.
    before = {} if creating else snapshot(type(obj)._base_manager.get(pk=obj.pk))
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    record(
        actor=actor,
        action="create" if creating else "update",
        obj=obj,
        changes=diff(before, snapshot(obj)),
        request=request,
    )
    return obj


def find_duplicate_organisation(*, municipality, name, exclude_pk=None):
    duplicates = Organisation.objects.filter(municipality=municipality, name__iexact=name.strip())
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    return duplicates.first()


def save_organisation(*, actor, organisation: Organisation, fields: dict, request=None) -> Organisation:
    municipality = fields.get("municipality") or organisation.municipality
    name = fields.get("name", organisation.name)
    existing = find_duplicate_organisation(
        municipality=municipality,
        name=name,
        exclude_pk=None if organisation._state.adding else organisation.pk,
    )
    if existing is not None:
        raise DuplicateOrganisation(existing)
    try:
        with transaction.atomic():
            return _save(actor=actor, obj=organisation, fields=fields, request=request)
    except IntegrityError:
        existing = find_duplicate_organisation(
            municipality=municipality, name=name, exclude_pk=organisation.pk
        )
        if existing is not None:
            raise DuplicateOrganisation(existing) from None
        raise


def organisation_blockers(organisation: Organisation) -> dict[str, int]:
    """What still refers to ``organisation`` and stops deletion, as {verbose name: count}."""
    blockers = {}
    for relation in organisation._meta.related_objects:
        on_delete = getattr(relation, "on_delete", None)
        if on_delete is None or on_delete.__name__ not in {"PROTECT", "RESTRICT"}:
            continue
        count = relation.related_model._base_manager.filter(**{relation.field.name: organisation}).count()
        if count:
            blockers[str(relation.related_model._meta.verbose_name_plural)] = count
    return blockers


def delete_organisation(*, actor, organisation: Organisation, request=None) -> None:
    """Delete an organisation nobody refers to; otherwise raise ``OrganisationInUse``."""
    try:
        with transaction.atomic():
            record(
                actor=actor,
                action="delete",
                obj=organisation,
                changes=diff(snapshot(organisation), {}),
                request=request,
            )
            organisation.delete()
    except (ProtectedError, RestrictedError):
        raise OrganisationInUse(organisation, organisation_blockers(organisation)) from None


@transaction.atomic
def archive_organisation(*, actor, organisation: Organisation, request=None) -> Organisation:
    if organisation.archived_at is None:
        organisation.archived_at = timezone.now()
        organisation.save(update_fields=["archived_at", "updated_at"])
        record(actor=actor, action="archive", obj=organisation, request=request,
               changes={"archived_at": [None, organisation.archived_at.isoformat()]})  # fmt: skip
    return organisation


@transaction.atomic
def restore_organisation(*, actor, organisation: Organisation, request=None) -> Organisation:
    if organisation.archived_at is not None:
        before = organisation.archived_at.isoformat()
        organisation.archived_at = None
        organisation.save(update_fields=["archived_at", "updated_at"])
        record(actor=actor, action="restore", obj=organisation, request=request,
               changes={"archived_at": [before, None]})  # fmt: skip
    return organisation


@transaction.atomic
def save_channel(*, actor, channel: Channel, fields: dict, request=None) -> Channel:
    return _save(actor=actor, obj=channel, fields=fields, request=request)


@transaction.atomic
def delete_object(*, actor, obj, request=None) -> None:
    """Delete a channel, forum, meeting, work tool, document or knowledge page, audited."""
    record(actor=actor, action="delete", obj=obj, changes=diff(snapshot(obj), {}), request=request)
    if isinstance(obj, GuidanceDocument):
        obj.file.delete(save=False)
    obj.delete()


@transaction.atomic
def save_forum(*, actor, forum: Forum, fields: dict, members: dict, request=None) -> Forum:
    return _save(actor=actor, obj=forum, fields=fields, m2m=members, request=request)


@transaction.atomic
def save_meeting(
    *,
    actor,
    meeting: ForumMeeting,
    fields: dict,
    actions: list[dict] = (),
    deleted_actions: list[ForumAction] = (),
    request=None,
) -> ForumMeeting:
    """Save a forum meeting with its minutes and the actions agreed in them.

    ``actions`` are dicts of ForumAction fields (with ``instance`` for an existing action).
    Each action has exactly one responsible person and a due date.
    """
    _save(actor=actor, obj=meeting, fields=fields, request=request)
    for action in deleted_actions:
        if action.pk and action.meeting_id == meeting.pk:
            delete_object(actor=actor, obj=action, request=request)
    for data in actions:
        data = dict(data)
        instance = data.pop("instance", None) or ForumAction(meeting=meeting)
        if instance.meeting_id != meeting.pk:
            raise ValueError("Action belongs to another meeting")
        _save(actor=actor, obj=instance, fields=data, request=request)
    if actions:
        enqueue_on_commit(notify_forum_actions, meeting.pk)
    return meeting


@transaction.atomic
def set_action_status(*, actor, action: ForumAction, status: str, request=None) -> ForumAction:
    return _save(actor=actor, obj=action, fields={"status": status}, request=request)


@transaction.atomic
def save_work_tool(*, actor, work_tool: WorkTool, fields: dict, request=None) -> WorkTool:
    return _save(actor=actor, obj=work_tool, fields=fields, request=request)


@transaction.atomic
def add_guidance_document(
    *, actor, work_tool: WorkTool, title: str, uploaded_file, content_type: str, request=None
) -> GuidanceDocument:
    """Store an already validated upload (see ``samarbejde.uploads.validate_guidance_file``)."""
    document = GuidanceDocument(
        work_tool=work_tool,
        title=title,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=actor,
    )
    document.file.save(uploaded_file.name, uploaded_file, save=False)
    document.save()
    record(
        actor=actor,
        action="upload",
        obj=document,
        changes={"file": [None, document.file.name], "content_type": [None, content_type]},
        request=request,
    )
    return document


@transaction.atomic
def save_knowledge_page(*, actor, page: KnowledgePage, fields: dict, request=None) -> KnowledgePage:
    fields = {**fields, "updated_by": actor}
    return _save(actor=actor, obj=page, fields=fields, request=request)


@transaction.atomic
def save_unit(*, actor, unit: Unit, fields: dict, request=None) -> Unit:
    return _save(actor=actor, obj=unit, fields=fields, request=request)


@transaction.atomic
def save_membership(*, actor, membership: Membership, fields: dict, request=None) -> Membership:
    """A person's role title, unit, what they can be contacted about and whether they are a key contact."""
    return _save(actor=actor, obj=membership, fields=fields, request=request)
