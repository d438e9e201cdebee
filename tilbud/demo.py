"""Invented, realistic demo offers for the five demo cities (idempotent).

Runs after ``samarbejde.demo`` (municipalities and the core organisations exist). Every city gets
the same kinds of offers with its own addresses; Aarhus also has an interpreter service. Some
offers are walk-in with Greenlandic-speaking staff open every day, so "Åbent nu" always has hits;
a few have not been confirmed for more than 180 days, so the freshness flag shows.
"""

import datetime
from decimal import Decimal

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

CITIES = {
    "koebenhavn": ("København", "1620", "København V", (55.6717, 12.5539), "Istedgade", "33"),
    "aarhus": ("Aarhus", "8000", "Aarhus C", (56.1572, 10.2107), "Jægergårdsgade", "86"),
    "odense": ("Odense", "5000", "Odense C", (55.3959, 10.3883), "Vesterbro", "66"),
    "aalborg": ("Aalborg", "9000", "Aalborg", (57.0488, 9.9217), "Boulevarden", "98"),
    "esbjerg": ("Esbjerg", "6700", "Esbjerg", (55.4765, 8.4594), "Kongensgade", "75"),
}

# Organisations: key → (name template, kind). The first four exist from samarbejde.demo.
ORGS = {
    "social": ("{city} Kommune, Socialforvaltningen", Organisation.Kind.MUNICIPAL),
    "job": ("{city} Kommune, Jobcenter", Organisation.Kind.MUNICIPAL),
    "huset": ("Det Grønlandske Hus, {city}", Organisation.Kind.VOLUNTARY),
    "nuna": ("Nuna Bosted {city} ApS", Organisation.Kind.PRIVATE),
    "natcafe": ("Natcaféen Qamutit, {city}", Organisation.Kind.VOLUNTARY),
    "gaeld": ("Frivillig Gældsrådgivning {city}", Organisation.Kind.VOLUNTARY),
    "krise": ("Kvindehuset Arnat, {city}", Organisation.Kind.VOLUNTARY),
}

WEEKDAYS = range(0, 5)
EVERY_DAY = range(0, 7)

# Each: name, org, categories, target groups, languages, flags, hours, description, extra fields.
OFFERS = [
    {
        "name": "Åben rådgivning i Det Grønlandske Hus, {city}",
        "org": "huset",
        "categories": ["socialraadgivning", "groenlandske-huse"],
        "groups": ["nytilkomne", "hjemloese", "boernefamilier"],
        "languages": ["da", "kl"],
        "flags": ["walk_in", "greenlandic_speaking_staff", "anonymous_allowed", "interpreter_available"],
        "hours": (WEEKDAYS, "10:00", "16:00"),
        "description": (
            "Gratis og anonym rådgivning på grønlandsk og dansk om alt fra bolig og økonomi til breve fra "
            "kommunen. Vi hjælper med at udfylde ansøgninger, går med til møder som bisidder og kender "
            "vejen rundt i systemet i {city}."
        ),
        "application_process": "Mød op i åbningstiden, eller ring og aftal en tid.",
        "required_documents": "Tag gerne breve fra kommunen og dit sundhedskort med.",
    },
    {
        "name": "Kaffestuen Illu – værested, {city}",
        "org": "huset",
        "categories": ["vaeresteder", "groenlandske-huse"],
        "groups": ["hjemloese", "misbrug", "psykisk-saarbare"],
        "languages": ["da", "kl"],
        "flags": ["walk_in", "greenlandic_speaking_staff", "anonymous_allowed"],
        "hours": (EVERY_DAY, "08:00", "22:00"),
        "description": (
            "Værested med morgenmad, varm mad til middag, bad og tøjvask. Kaffestuen er et trygt sted for "
            "grønlændere i {city}, også hjemløse og borgere med misbrug. Personalet taler grønlandsk."
        ),
        "fees_description": "Morgenmad og kaffe er gratis; middagsmad koster 10 kr.",
        "accessibility": "Niveaufri adgang og handicaptoilet.",
    },
    {
        "name": "Natcaféen Qamutit – døgnåbent værested, {city}",
        "org": "natcafe",
        "categories": ["vaeresteder", "herberg"],
        "groups": ["hjemloese", "misbrug"],
        "languages": ["da", "kl"],
        "flags": ["walk_in", "greenlandic_speaking_staff", "anonymous_allowed"],
        "hours": (EVERY_DAY, "00:00", "00:00"),
        "description": (
            "Døgnåbent værested drevet af frivillige. Her kan man få en kop kaffe, en sandwich og en snak "
            "midt om natten, varme sig og hvile. Frivillige med grønlandsk baggrund er på vagt hele døgnet."
        ),
    },
    {
        "name": "Herberget på {street}",
        "org": "social",
        "categories": ["herberg"],
        "groups": ["hjemloese"],
        "languages": ["da"],
        "flags": ["walk_in", "interpreter_available"],
        "hours": (EVERY_DAY, "18:00", "10:00"),
        "capacity": (4, 32, "senge"),
        "description": (
            "Herberg og natvarmestue for hjemløse over 18 år (§ 110). Overnatning, aftensmad og morgenmad. "
            "Hjemløshed skal ikke være en blindgyde: personalet hjælper videre mod egen bolig."
        ),
        "minimum_age": 18,
        "application_process": "Mød op fra kl. 18. Der er ingen visitation til de første nætter.",
    },
    {
        "name": "Nuna Bosted – botilbud med grønlandsktalende personale",
        "org": "nuna",
        "categories": ["botilbud"],
        "groups": ["hjemloese", "misbrug", "psykisk-saarbare"],
        "languages": ["da", "kl"],
        "flags": ["referral_required", "greenlandic_speaking_staff"],
        "hours": (EVERY_DAY, "00:00", "00:00"),
        "capacity": (1, 14, "pladser"),
        "free": False,
        "description": (
            "Midlertidigt botilbud (§ 107) for voksne grønlændere med sociale problemer, misbrug eller "
            "psykisk sårbarhed. Personalet taler grønlandsk, og hverdagen bygger på grønlandsk kultur og mad."
        ),
        "minimum_age": 18,
        "fees_description": "Egenbetaling efter serviceloven; kommunen betaler opholdet.",
        "application_process": "Kræver visitation fra handlekommunen. Kontakt din sagsbehandler.",
    },
    {
        "name": "Bostøtte i eget hjem (§ 85)",
        "org": "nuna",
        "categories": ["bostoette"],
        "groups": ["psykisk-saarbare", "nytilkomne"],
        "languages": ["da", "kl"],
        "flags": ["referral_required", "greenlandic_speaking_staff"],
        "hours": (WEEKDAYS, "08:00", "16:00"),
        "free": False,
        "description": (
            "Socialpædagogisk støtte i hjemmet: post, økonomi, indkøb og kontakt til læge og myndigheder. "
            "Støtten gives af medarbejdere, der forstår grønlandsk sprog og kultur."
        ),
        "application_process": "Visiteres af kommunen efter servicelovens § 85.",
    },
    {
        "name": "Misbrugscentret – ambulant behandling, {city}",
        "org": "social",
        "categories": ["misbrugsbehandling"],
        "groups": ["misbrug"],
        "languages": ["da", "en"],
        "flags": ["walk_in", "anonymous_allowed", "interpreter_available"],
        "hours": (
            {
                0: ("08:00", "15:00"),
                1: ("08:00", "15:00"),
                2: ("08:00", "18:00"),
                3: ("08:00", "15:00"),
                4: ("08:00", "13:00"),
            }
        ),
        "description": (
            "Gratis og anonym behandling for misbrug af alkohol, hash og andre rusmidler. Samtaler, "
            "medicinsk behandling og gruppeforløb. Tolk på grønlandsk bestilles til alle samtaler."
        ),
        "minimum_age": 18,
        "application_process": "Åben rådgivning uden tidsbestilling; behandling starter inden for 14 dage.",
    },
    {
        "name": "Ung Misbrug – rådgivning for unge, {city}",
        "org": "social",
        "categories": ["misbrugsbehandling", "socialraadgivning"],
        "groups": ["unge", "misbrug"],
        "languages": ["da"],
        "flags": ["anonymous_allowed", "interpreter_available"],
        "hours": ({1: ("14:00", "19:00"), 3: ("14:00", "19:00")}),
        "description": (
            "Rådgivning og behandling for unge mellem 15 og 25 år, der bruger hash, alkohol eller andre "
            "stoffer. Forældre og pårørende er også velkomne."
        ),
        "minimum_age": 15,
        "maximum_age": 25,
    },
    {
        "name": "Familierådgivningen, {city}",
        "org": "social",
        "categories": ["familieraadgivning"],
        "groups": ["boernefamilier"],
        "languages": ["da", "en"],
        "flags": ["anonymous_allowed", "interpreter_available"],
        "hours": (WEEKDAYS, "09:00", "15:00"),
        "description": (
            "Anonym rådgivning for familier med børn (§ 11): samtaler om trivsel, skilsmisse, "
            "konflikter og forældrerollen. Vi bestiller tolk, hvis I hellere vil tale grønlandsk."
        ),
        "application_process": "Ring og aftal en samtale – man behøver ikke oplyse navn.",
    },
    {
        "name": "Modtagelse af nytilkomne fra Grønland, {city}",
        "org": "social",
        "categories": ["modtagelse", "socialraadgivning"],
        "groups": ["nytilkomne"],
        "languages": ["da", "kl"],
        "flags": ["walk_in", "greenlandic_speaking_staff", "interpreter_available"],
        "hours": ({0: ("09:00", "14:00"), 2: ("09:00", "14:00"), 4: ("09:00", "12:00")}),
        "description": (
            "Velkomst og hjælp de første måneder i {city}: folkeregister, sundhedskort, NemID/MitID, "
            "bankkonto, bolig og kontakt til jobcenter. Vi laver en plan sammen med dig."
        ),
        "required_documents": "Pas eller kørekort, grønlandsk personnummer og lejekontrakt, hvis du har en.",
    },
    {
        "name": "Jobafklaring og mentorforløb, {city}",
        "org": "job",
        "categories": ["jobafklaring", "uddannelsesvejledning"],
        "groups": ["nytilkomne", "unge"],
        "languages": ["da"],
        "flags": ["referral_required", "interpreter_available"],
        "hours": (WEEKDAYS, "08:30", "15:00"),
        "description": (
            "Afklaring af job- og uddannelsesmuligheder med en fast mentor. Praktik i virksomheder i "
            "{city} og hjælp til CV og jobsøgning."
        ),
        "minimum_age": 18,
        "maximum_age": 65,
        "application_process": "Henvisning fra din sagsbehandler i jobcentret.",
    },
    {
        "name": "Danskundervisning for grønlændere, {city}",
        "org": "huset",
        "categories": ["danskundervisning"],
        "groups": ["nytilkomne"],
        "languages": ["da", "kl"],
        "flags": ["walk_in", "greenlandic_speaking_staff"],
        "hours": ({1: ("17:00", "19:00"), 3: ("17:00", "19:00")}),
        "description": (
            "Frivillige lærere underviser i dansk på hold efter niveau. Fokus på hverdagsdansk, breve "
            "fra det offentlige og samtaler med læge og kommune."
        ),
    },
    {
        "name": "Gratis gældsrådgivning, {city}",
        "org": "gaeld",
        "categories": ["gaeldsraadgivning"],
        "groups": ["boernefamilier", "hjemloese", "nytilkomne"],
        "languages": ["da"],
        "flags": ["walk_in", "anonymous_allowed"],
        "hours": ({2: ("16:00", "19:00")}),
        "description": (
            "Frivillige økonomer og jurister hjælper med overblik over gæld, budget og breve fra "
            "inkasso og Gældsstyrelsen. Anonymt og gratis."
        ),
        "required_documents": "Tag breve om gælden, lønsedler og kontoudtog med.",
    },
    {
        "name": "Udgående psykiatriteam, {city}",
        "org": "social",
        "categories": ["psykiatri"],
        "groups": ["psykisk-saarbare", "hjemloese"],
        "languages": ["da"],
        "flags": ["referral_required", "interpreter_available"],
        "hours": (WEEKDAYS, "08:00", "15:30"),
        "internal": True,
        "description": (
            "Internt tilbud for fagfolk: teamet besøger borgere med psykiske vanskeligheder, som ikke selv "
            "kommer i behandling, herunder hjemløse på gaden og på herberger."
        ),
        "application_process": "Henvendelse fra sagsbehandler eller tovholder via sikker post.",
    },
    {
        "name": "Kvindehuset Arnat – krisecenter, {city}",
        "org": "krise",
        "categories": ["krisecenter"],
        "groups": ["kvinder", "voldsramte", "boernefamilier"],
        "languages": ["da", "kl", "en"],
        "flags": ["walk_in", "anonymous_allowed", "greenlandic_speaking_staff"],
        "hours": (EVERY_DAY, "00:00", "00:00"),
        "capacity": (2, 10, "værelser"),
        "description": (
            "Krisecenter (§ 109) for kvinder og deres børn, der er udsat for vold. Døgnåben telefon, "
            "ophold, samtaler og hjælp videre. Grønlandsktalende rådgivere."
        ),
        "minimum_age": 18,
    },
    {
        "name": "Seniorklubben i Det Grønlandske Hus, {city}",
        "org": "huset",
        "categories": ["frivillige-foreninger", "groenlandske-huse"],
        "groups": ["aeldre"],
        "languages": ["kl", "da"],
        "flags": ["walk_in", "greenlandic_speaking_staff"],
        "hours": ({3: ("11:00", "15:00")}),
        "description": (
            "Fællesskab for ældre grønlændere: frokost, kaffemik, sang og udflugter. Klubben hjælper også "
            "med kontakt til hjemmepleje og læge."
        ),
        "minimum_age": 60,
    },
]

AARHUS_INTERPRETER = {
    "name": "Kalaallisut Tolkeservice – grønlandsk-dansk tolkning",
    "org_name": "Kalaallisut Tolkeservice ApS",
    "categories": ["tolkebistand"],
    "groups": ["nytilkomne", "boernefamilier", "aeldre"],
    "languages": ["kl", "da"],
    "flags": ["interpreter_available", "greenlandic_speaking_staff"],
    "hours": (WEEKDAYS, "07:30", "17:00"),
    "free": False,
    "description": (
        "Professionelle tolke mellem grønlandsk og dansk til møder med kommune, læge, hospital og "
        "retten – fremmøde, telefon og video. Akuttolkning inden for to timer i Aarhus og omegn."
    ),
    "fees_description": "Betales af den myndighed, der indkalder til mødet (efter regning).",
    "application_process": "Bestil på telefon eller e-mail mindst to hverdage før mødet.",
}


def _time(text):
    return datetime.time.fromisoformat(text)


def _hours(spec):
    if isinstance(spec, dict):
        return [(day, _time(o), _time(c)) for day, (o, c) in spec.items()]
    days, opens, closes = spec
    return [(day, _time(opens), _time(closes)) for day in days]


def _organisation(municipality, name, kind):
    org, _created = Organisation.objects.get_or_create(
        municipality=municipality, name=name, defaults={"kind": kind}
    )
    return org


def _offer(spec, *, index, city_index, municipality, organisation, vocab, today):
    name, postcode, town, (lat, lon), street, number = CITIES[municipality.slug]
    fmt = {"city": name, "street": street}
    flags = set(spec.get("flags", []))
    stale = (index + city_index) % 6 == 5
    assured = today - datetime.timedelta(days=200 + index if stale else (index * 7 + city_index * 3) % 90)
    defaults = {
        "description": spec["description"].format(**fmt),
        "status": Offer.Status.ACTIVE,
        "eligibility_description": spec.get("eligibility_description", ""),
        "minimum_age": spec.get("minimum_age"),
        "maximum_age": spec.get("maximum_age"),
        "application_process": spec.get("application_process", ""),
        "fees_description": spec.get("fees_description", ""),
        "free": spec.get("free", True),
        "walk_in": "walk_in" in flags,
        "referral_required": "referral_required" in flags,
        "anonymous_allowed": "anonymous_allowed" in flags,
        "greenlandic_speaking_staff": "greenlandic_speaking_staff" in flags,
        "interpreter_available": "interpreter_available" in flags,
        "accessibility": spec.get("accessibility", ""),
        "required_documents": spec.get("required_documents", ""),
        "internal": spec.get("internal", False),
        "assured_date": assured,
        "email": f"kontakt{index}@{municipality.slug}.demo.dk",
    }
    if "capacity" in spec:
        available, maximum, unit = spec["capacity"]
        defaults.update(
            capacity_available=(available + index + city_index) % (maximum + 1),
            capacity_maximum=maximum,
            capacity_unit=unit,
            capacity_updated_at=timezone.now(),
        )
    offer, _created = Offer.objects.update_or_create(
        organisation=organisation, name=spec["name"].format(**fmt), defaults=defaults
    )
    offer.municipalities.set([municipality])
    offer.categories.set([vocab["terms"][c] for c in spec["categories"]])
    offer.target_groups.set([vocab["groups"][g] for g in spec["groups"]])
    offer.languages.set([vocab["languages"][c] for c in spec["languages"]])
    if not offer.schedules.exists():
        Schedule.objects.bulk_create(
            Schedule(offer=offer, weekday=d, opens_at=o, closes_at=c) for d, o, c in _hours(spec["hours"])
        )
    weekdays_only = isinstance(spec["hours"], tuple) and spec["hours"][0] is WEEKDAYS
    if not offer.schedule_exceptions.exists() and weekdays_only:
        ScheduleException.objects.create(
            offer=offer, date=datetime.date(today.year, 12, 24), closed=True, description="Juleaften"
        )
        ScheduleException.objects.create(
            offer=offer,
            date=datetime.date(today.year, 12, 31),
            closed=False,
            opens_at=_time("10:00"),
            closes_at=_time("13:00"),
            description="Nytårsaften",
        )
    if not offer.locations.exists():
        Location.objects.create(
            offer=offer,
            address=f"{street} {int(number) + index * 2}",
            postal_code=postcode,
            city=town,
            latitude=Decimal(f"{lat + index * 0.0013:.6f}"),
            longitude=Decimal(f"{lon + index * 0.0011:.6f}"),
        )
    if not offer.phones.exists():
        Phone.objects.create(
            offer=offer, number=f"+45 70 {20 + city_index:02d} {10 + index:02d} {40 + index:02d}"
        )
    if not offer.contacts.exists() and index % 3 == 0:
        Contact.objects.create(
            offer=offer,
            name=["Pipaluk Olsen", "Hans Berthelsen", "Naja Lynge", "Malik Petersen"][index % 4],
            title="Daglig leder" if index % 2 else "Socialrådgiver",
            phone=f"+45 70 {20 + city_index:02d} {10 + index:02d} 00",
        )
    offer.refresh_search_document()
    return offer


def seed(stdout):
    today = timezone.localdate()
    vocab = {
        "terms": {t.code: t for t in TaxonomyTerm.objects.all()},
        "groups": {g.code: g for g in TargetGroup.objects.all()},
        "languages": {lang.code: lang for lang in Language.objects.all()},
    }
    count = 0
    for city_index, slug in enumerate(CITIES):
        municipality = Municipality.objects.get(slug=slug)
        orgs = {
            key: _organisation(municipality, template.format(city=municipality.name), kind)
            for key, (template, kind) in ORGS.items()
        }
        for index, spec in enumerate(OFFERS):
            _offer(
                spec,
                index=index,
                city_index=city_index,
                municipality=municipality,
                organisation=orgs[spec["org"]],
                vocab=vocab,
                today=today,
            )
            count += 1
        if slug == "aarhus":
            interpreter_org = _organisation(
                municipality, AARHUS_INTERPRETER["org_name"], Organisation.Kind.PRIVATE
            )
            _offer(
                AARHUS_INTERPRETER,
                index=len(OFFERS),
                city_index=city_index,
                municipality=municipality,
                organisation=interpreter_org,
                vocab=vocab,
                today=today,
            )
            count += 1
    stdout.write(f"Offer directory: {count} demo offers in {len(CITIES)} cities.")
