"""Keep each offer's search document and facet id arrays in step on writes.

Every path goes through ``tilbud.search.refresh_offers`` (one SQL statement for any number of offers).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from samarbejde.models import Municipality, Organisation
from tilbud.answers import directory_changed
from tilbud.models import Language, Offer, TargetGroup, TaxonomyTerm
from tilbud.search import refresh_offers


@receiver(post_save, sender=Offer)
def offer_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        instance.refresh_search_document()


def offer_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        # Which offers lose the link: known only before the rows go.
        linked = sender.objects.filter(**{_VOCABULARY_COLUMN[sender]: instance.pk})
        instance._tilbud_cleared = list(linked.values_list("offer_id", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        instance.refresh_search_document()
    elif pk_set:
        refresh_offers(pk_set)
    elif action == "post_clear":
        refresh_offers(getattr(instance, "_tilbud_cleared", []))


_VOCABULARY_COLUMN = {}  # through model: its column pointing at the vocabulary
for _field in ("categories", "target_groups", "languages", "municipalities"):
    _through = getattr(Offer, _field).through
    _VOCABULARY_COLUMN[_through] = getattr(Offer, _field).field.m2m_reverse_name()
    m2m_changed.connect(offer_m2m_changed, sender=_through, dispatch_uid=f"tilbud_search_{_field}")


@receiver(post_save, sender=Organisation, dispatch_uid="tilbud_search_organisation")
def organisation_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        refresh_offers(instance.offers.all())


@receiver(post_save, sender=TaxonomyTerm, dispatch_uid="tilbud_search_term")
def term_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        refresh_offers(Offer.objects.filter(categories__in=[instance, *instance.children.all()]))


@receiver(post_save, sender=TargetGroup, dispatch_uid="tilbud_search_target_group")
@receiver(post_save, sender=Language, dispatch_uid="tilbud_search_language")
@receiver(post_save, sender=Municipality, dispatch_uid="tilbud_search_municipality")
def vocabulary_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        refresh_offers(instance.offers.all())


# Deleting a category, target group, language or municipality removes its links without
# m2m_changed: note the offers before the delete, refresh them after.
@receiver(pre_delete, sender=TaxonomyTerm, dispatch_uid="tilbud_search_term_pre_delete")
@receiver(pre_delete, sender=TargetGroup, dispatch_uid="tilbud_search_target_group_pre_delete")
@receiver(pre_delete, sender=Language, dispatch_uid="tilbud_search_language_pre_delete")
@receiver(pre_delete, sender=Municipality, dispatch_uid="tilbud_search_municipality_pre_delete")
def vocabulary_deleting(sender, instance, **kwargs):
    instance._tilbud_offers = list(instance.offers.values_list("pk", flat=True))


@receiver(post_delete, sender=TaxonomyTerm, dispatch_uid="tilbud_search_term_deleted")
@receiver(post_delete, sender=TargetGroup, dispatch_uid="tilbud_search_target_group_deleted")
@receiver(post_delete, sender=Language, dispatch_uid="tilbud_search_language_deleted")
@receiver(post_delete, sender=Municipality, dispatch_uid="tilbud_search_municipality_deleted")
def vocabulary_deleted(sender, instance, **kwargs):
    refresh_offers(getattr(instance, "_tilbud_offers", []))


# Any write to the directory makes its cached answers stale (tilbud/answers.py).
def _describes_offers(sender) -> bool:
    return sender._meta.app_label == "tilbud" or sender in (Organisation, Municipality)


@receiver(post_save, dispatch_uid="tilbud_answers_saved")
@receiver(post_delete, dispatch_uid="tilbud_answers_deleted")
@receiver(m2m_changed, dispatch_uid="tilbud_answers_links")
def directory_written(sender, **kwargs):
    if _describes_offers(sender):
        directory_changed()
