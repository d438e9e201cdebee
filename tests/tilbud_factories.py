"""factory_boy factories for the offer directory's tests and benchmark."""

import datetime

import factory
from django.utils import timezone

from samarbejde.models import Municipality, Organisation
from tilbud.models import Location, Offer, Phone, Schedule, ScheduleException


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Kommune {n}")
    slug = factory.Sequence(lambda n: f"kommune-{n}")
    code = factory.Sequence(lambda n: f"{900 + n % 99:03d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    kind = Organisation.Kind.VOLUNTARY


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Tilbud nummer {n}")
    description = "Et tilbud til borgere."
    assured_date = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def target_groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_groups.set(extracted)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create and extracted:
            self.languages.set(extracted)


def hours(offer, spec):
    """hours(offer, {0: ("08:00", "16:00"), ...}) adds weekly opening hours."""
    for weekday, (opens, closes) in spec.items():
        Schedule.objects.create(
            offer=offer,
            weekday=weekday,
            opens_at=datetime.time.fromisoformat(opens),
            closes_at=datetime.time.fromisoformat(closes),
        )


def every_day(offer, opens="00:00", closes="00:00"):
    hours(offer, dict.fromkeys(range(7), (opens, closes)))


def closed_on(offer, date, description="Helligdag"):
    return ScheduleException.objects.create(offer=offer, date=date, closed=True, description=description)


def add_location(offer, **kwargs):
    kwargs.setdefault("address", "Vestergade 1")
    kwargs.setdefault("postal_code", "8000")
    kwargs.setdefault("city", "Aarhus C")
    return Location.objects.create(offer=offer, **kwargs)


def add_phone(offer, number="12 34 56 78"):
    return Phone.objects.create(offer=offer, number=number)


def bulk_offers(n, *, organisation, municipalities=(), categories=(), target_groups=(), name="Masseoffer"):
    """n offers in a handful of queries (for query-count tests and the benchmark).

    Bulk writes bypass the signals, so the offers' search data is refreshed once at the end, as any
    bulk loader does."""
    offers = Offer.objects.bulk_create(
        Offer(
            organisation=organisation,
            name=f"{name} {i:05d}",
            description="Rådgivning og samvær for borgere.",
            assured_date=timezone.localdate(),
        )
        for i in range(n)
    )
    for field, column, values in (
        ("municipalities", "municipality_id", municipalities),
        ("categories", "taxonomyterm_id", categories),
        ("target_groups", "targetgroup_id", target_groups),
    ):
        through = getattr(Offer, field).through
        for value in values:
            through.objects.bulk_create(through(offer_id=offer.pk, **{column: value.pk}) for offer in offers)
    from tilbud.search import refresh_offers

    fresh = refresh_offers([offer.pk for offer in offers])
    for offer in offers:
        for field, value in fresh[offer.pk].items():
            setattr(offer, field, value)
    return offers
