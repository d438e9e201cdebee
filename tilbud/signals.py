"""Keep ``Offer.search_document`` (the source of the stored search vector) in step on writes."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from samarbejde.models import Municipality, Organisation
from tilbud.models import Language, Offer, TargetGroup, TaxonomyTerm


def refresh_offers(queryset):
    for offer in queryset.select_related("organisation").prefetch_related(
        "categories__parent", "target_groups", "languages", "municipalities"
    ):
        offer.refresh_search_document()


@receiver(post_save, sender=Offer)
def offer_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        instance.refresh_search_document()


def offer_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        instance.refresh_search_document()
    elif pk_set:
        refresh_offers(Offer.objects.filter(pk__in=pk_set))
    elif action == "post_clear":
        refresh_offers(Offer.objects.all())


for _field in ("categories", "target_groups", "languages", "municipalities"):
    m2m_changed.connect(
        offer_m2m_changed, sender=getattr(Offer, _field).through, dispatch_uid=f"tilbud_search_{_field}"
    )


@receiver(post_save, sender=Organisation, dispatch_uid="tilbud_search_organisation")
def organisation_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        refresh_offers(instance.offers.all())


@receiver(post_save, sender=TaxonomyTerm, dispatch_uid="tilbud_search_term")
def term_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        refresh_offers(Offer.objects.filter(categories__in=[instance, *instance.children.all()]).distinct())


@receiver(post_save, sender=TargetGroup, dispatch_uid="tilbud_search_target_group")
@receiver(post_save, sender=Language, dispatch_uid="tilbud_search_language")
@receiver(post_save, sender=Municipality, dispatch_uid="tilbud_search_municipality")
def vocabulary_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        refresh_offers(instance.offers.all())
