"""Writes to the directory. Keyword-only, take the acting user, audit every change."""

from django.db import transaction
from django.utils import timezone

from core.audit import diff, record
from core.models import AuditEvent
from tilbud.models import Offer

AUDITED_FIELDS = [
    "name", "description", "status", "url", "email", "eligibility_description", "minimum_age",
    "maximum_age", "application_process", "fees_description", "free", "walk_in", "referral_required",
    "anonymous_allowed", "greenlandic_speaking_staff", "interpreter_available", "accessibility",
    "required_documents", "capacity_available", "capacity_maximum", "capacity_unit", "internal",
]  # fmt: skip


def snapshot(offer: Offer) -> dict:
    return {field: getattr(offer, field) for field in AUDITED_FIELDS}


@transaction.atomic
def assure_offer(*, actor, offer: Offer, request=None) -> Offer:
    """A person confirms the record is still correct (HSDS assured_date / assurer)."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    before = {"assured_date": offer.assured_date, "assured_by": offer.assured_by_id}
    offer.assured_date = timezone.localdate()
    offer.assured_by = actor
    offer.save(update_fields=["assured_date", "assured_by", "updated_at"])
    record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        note="assured: still correct",
        obj=offer,
        changes=diff(before, {"assured_date": offer.assured_date, "assured_by": actor.pk}),
        request=request,
    )
    return offer


@transaction.atomic
def update_offer(
    *, actor, offer: Offer, form, formsets=(), before: dict, assure=False, request=None
) -> Offer:
    """Save a provider's edit of their own offer (form + inline formsets) and audit it."""
    offer = form.save()
    for formset in formsets:
        formset.save()
    if offer.stamp_capacity(actor, (before.get("capacity_available"), before.get("capacity_maximum"))):
        offer.save(update_fields=["capacity_updated_at", "capacity_updated_by"])
    if assure:
        offer.assured_date = timezone.localdate()
        offer.assured_by = actor
        offer.save(update_fields=["assured_date", "assured_by"])
    offer.refresh_search_document()
    changes = diff(before, snapshot(offer))
    for formset in formsets:
        if formset.has_changed():
            changes[formset.prefix] = ["…", "ændret"]
    record(actor=actor, action=AuditEvent.Action.UPDATE, obj=offer, changes=changes, request=request)
    return offer
