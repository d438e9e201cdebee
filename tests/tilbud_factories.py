"""factory_boy factories for the offer directory's tests and benchmark."""

import datetime
import random

import factory
from django.utils import timezone

from samarbejde.models import Municipality, Organisation
from tilbud.models import (
    Contact,
    Language,
    Location,
    Offer,
    Phone,
    Schedule,
    ScheduleException,
    TargetGroup,
    TaxonomyTerm,
)


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

    Bulk writes bypass the signals, so the offers' search data is refreshed once at the end and the
    directory's cached answers are dropped, as any bulk loader does."""
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
    from tilbud.answers import directory_changed
    from tilbud.search import refresh_offers

    fresh = refresh_offers([offer.pk for offer in offers])
    directory_changed()
    for offer in offers:
        for field, value in fresh[offer.pk].items():
            setattr(offer, field, value)
    return offers


def generated_directory(n=24, *, seed=7):
    """A varied directory of ``n`` offers: every optional field both set and empty, every status,
    offers with and without locations, contacts, phones, exceptions and coordinates, organisations
    with and without CVR, web site, e-mail and phone, in a real municipality (Aarhus, code 751) and
    in one whose code is no Danish municipality code. Deterministic for a given ``seed``."""
    rng = random.Random(seed)
    real = MunicipalityFactory(name="Aarhus", slug="aarhus", code="751")
    made_up = MunicipalityFactory(name="Testkommune", slug="testkommune", code="999")
    terms = list(TaxonomyTerm.objects.order_by("code"))
    groups = list(TargetGroup.objects.order_by("code"))
    languages = list(Language.objects.order_by("code"))
    statuses = list(Offer.Status.values)
    orgs = [
        OrganisationFactory(
            name=f"Genereret organisation {i}",
            municipality=real if i % 2 else made_up,
            kind=list(Organisation.Kind.values)[i % 3],
            description="" if i % 3 == 0 else "En organisation.",
            cvr="" if i % 2 else f"{12345670 + i}",
            website="" if i % 3 == 1 else f"https://org{i}.example.dk/",
            email="" if i % 4 == 2 else f"post@org{i}.example.dk",
            phone="" if i % 2 == 0 else f"+45 33 00 00 0{i}",
        )
        for i in range(4)
    ]
    offers = []
    for i in range(n):
        full = i % 2 == 0
        capacity = i % 3 == 0
        offer = OfferFactory(
            organisation=orgs[i % len(orgs)],
            name=f"Genereret tilbud {i:03d}",
            description="" if i % 5 == 4 else f"Beskrivelse af tilbud {i}.",
            status=statuses[i % len(statuses)],
            internal=i % 7 == 4,
            url=f"https://tilbud{i}.example.dk/side?x={i}" if full else "",
            email=f"tilbud{i}@example.dk" if i % 3 else "",
            minimum_age=18 if full else None,
            maximum_age=rng.choice([None, 64, 99]) if full else None,
            required_documents="Sygesikringskort" if i % 4 == 1 else "",
            interpreter_available=i % 2 == 1,
            greenlandic_speaking_staff=i % 3 == 1,
            walk_in=i % 2 == 0,
            accessibility="Niveaufri adgang" if i % 5 == 0 else "",
            assured_date=None if i % 6 == 5 else timezone.localdate() - datetime.timedelta(days=i * 11),
            capacity_available=(i % 5) if capacity else None,
            capacity_maximum=10 if capacity else None,
            capacity_unit="senge" if capacity and i % 2 == 0 else "",
            capacity_updated_at=timezone.now() if capacity and i % 2 else None,
            municipalities=[real] if i % 2 else [real, made_up],
            categories=rng.sample(terms, k=i % 3),
            target_groups=rng.sample(groups, k=i % 2 + 1),
            languages=rng.sample(languages, k=i % len(languages)),
        )
        if i % 4 != 3:
            hours(offer, dict.fromkeys(range(i % 6), ("08:00", "16:00")))
            hours(offer, {5: ("22:00", "02:00")} if i % 3 == 0 else {})
        if i % 3 != 2:
            closed_on(offer, datetime.date(2026, 12, 24), description="" if i % 2 else "Juleaften")
            ScheduleException.objects.create(
                offer=offer, date=datetime.date(2026, 7, 1), closed=False,
                opens_at=datetime.time(10), closes_at=datetime.time(13),
            )  # fmt: skip
        for k in range(i % 3):
            add_location(
                offer,
                name="" if k else f"Afdeling {i}",
                address=f"Testvej {i}{k}",
                postal_code=["8000", "2100", "5000", "9000", "4000", "6700"][(i + k) % 6],
                latitude=f"{56 + i / 100:.6f}" if (i + k) % 2 else None,
                longitude=f"{10 + i / 100:.6f}" if (i + k) % 2 else None,
                transportation="Bus 1A" if k else "",
            )
        for k in range(i % 2 + (i % 5 == 0)):
            Phone.objects.create(
                offer=offer, number=f"+45 70 00 {i:02d} {k:02d}", description="" if k else "Hovednummer"
            )
        if i % 3 == 1:
            Contact.objects.create(
                offer=offer,
                name=f"Kontakt {i}",
                title="" if i % 2 else "Leder",
                email="" if i % 4 == 1 else f"kontakt{i}@example.dk",
                phone="" if i % 5 == 1 else "+45 20 30 40 50",
            )
        offers.append(offer)
    return offers
