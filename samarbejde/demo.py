"""Demo framework for the five cities: municipalities, organisations, units and demo logins.

Everyone here is invented. ``DEMO_PASSWORD`` is printed by ``seed_demo``.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from core.roles import Role
from samarbejde.models import (
    Channel,
    Forum,
    ForumAction,
    ForumMeeting,
    FrameworkDocument,
    FrameworkDocumentVersion,
    KnowledgePage,
    Membership,
    Municipality,
    Organisation,
    Unit,
    WorkTool,
)

DEMO_PASSWORD = "Samarbejde-demo-2026"

MUNICIPALITIES = [
    ("København", "koebenhavn", "101"),
    ("Aarhus", "aarhus", "751"),
    ("Odense", "odense", "461"),
    ("Aalborg", "aalborg", "851"),
    ("Esbjerg", "esbjerg", "561"),
]

# Per city: (name, kind, role in the effort, units)
ORGANISATIONS = [
    (
        "{city} Kommune, Socialforvaltningen",
        Organisation.Kind.MUNICIPAL,
        "Myndighed for sociale indsatser, handleplaner efter § 141 og visitation.",
        ["Team for socialt udsatte", "Modtagelse af nytilkomne"],
    ),
    (
        "{city} Kommune, Jobcenter",
        Organisation.Kind.MUNICIPAL,
        "Beskæftigelsesindsats, afklaring og forsørgelse.",
        ["Jobcenter Øst"],
    ),
    (
        "Det Grønlandske Hus, {city}",
        Organisation.Kind.VOLUNTARY,
        "Rådgivning, fællesskab og tolkning for grønlændere; tovholder i mange forløb.",
        ["Rådgivningen"],
    ),
    (
        "Nuna Bosted {city} ApS",
        Organisation.Kind.PRIVATE,
        "Botilbud og bostøtte med grønlandsktalende personale.",
        [],
    ),
]

# (email, full name, role, city index, organisation index, title, contact about)
USERS = [
    (
        "sagsbehandler@demo.dk",
        "Sofie Lund",
        Role.CASEWORKER,
        0,
        0,
        "Socialrådgiver",
        "Handleplaner og visitation",
    ),
    (
        "tovholder@demo.dk",
        "Nuka Kleist",
        Role.COORDINATOR,
        0,
        2,
        "Socialrådgiver og tovholder",
        "Borgerforløb og netværksmøder",
    ),
    (
        "frivillig@demo.dk",
        "Aviaja Heilmann",
        Role.VOLUNTEER,
        0,
        2,
        "Frivillig bisidder",
        "Følgeskab til møder",
    ),
    (
        "admin@demo.dk",
        "Mads Holm",
        Role.ADMINISTRATOR,
        0,
        0,
        "Koordinator for samarbejdsmodellen",
        "Rammen for samarbejdet",
    ),
]


def seed(stdout):
    User = get_user_model()
    municipalities = []
    for name, slug, code in MUNICIPALITIES:
        municipality, _ = Municipality.objects.update_or_create(
            code=code, defaults={"name": name, "slug": slug}
        )
        municipalities.append(municipality)

    organisations = {}
    for city_index, municipality in enumerate(municipalities):
        for org_index, (template, kind, role, units) in enumerate(ORGANISATIONS):
            organisation, _ = Organisation.objects.update_or_create(
                municipality=municipality,
                name=template.format(city=municipality.name),
                defaults={"kind": kind, "role_in_effort": role},
            )
            for unit_name in units:
                Unit.objects.get_or_create(organisation=organisation, name=unit_name)
            organisations[city_index, org_index] = organisation

    stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, full_name, role, city_index, org_index, title, contact_about in USERS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
        user.full_name = full_name
        user.is_staff = role == Role.ADMINISTRATOR
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role.value))
        Membership.objects.update_or_create(
            user=user,
            organisation=organisations[city_index, org_index],
            defaults={"title": title, "contact_about": contact_about, "is_key_contact": True},
        )
        stdout.write(f"  {str(role.label):<14} {email}")
    stdout.write(
        "  The administrator's first sign-in leads to setting up two-factor sign-in with an "
        "authenticator app (see README, Two-factor sign-in)."
    )

    seed_framework(municipalities, organisations)


# Per city: (topic, description, organisation index, unit name or None, way, contact, hours, fallback)
CHANNELS = [
    (
        "Bestilling af tolk",
        "Tolk til grønlandsk (kalaallisut) eller dansk til møder med borgeren. Bestil mindst fem "
        "hverdage før mødet; oplys dato, sted, varighed og sprog.",
        0,
        "Team for socialt udsatte",
        Channel.Way.SECURE_EMAIL,
        "tolkebestilling@{slug}.demo.dk",
        "Hverdage 8–15, svar inden for én hverdag",
        "Akut tolk samme dag: ring til Det Grønlandske Hus' rådgivning.",
    ),
    (
        "Boligakut",
        "Borger uden tag over hovedet eller med udsættelse inden for 14 dage.",
        0,
        "Team for socialt udsatte",
        Channel.Way.PHONE,
        "Tlf. 70 10 20 30",
        "Hverdage 8–16",
        "Uden for åbningstid: kommunens socialvagt, tlf. 70 10 20 99.",
    ),
    (
        "Bekymring for et barn",
        "Underretning om et barn eller en ung under 18 år, der kan have brug for særlig støtte.",
        0,
        None,
        Channel.Way.SECURE_EMAIL,
        "underretning@{slug}.demo.dk",
        "Døgnet rundt (postkassen læses hverdage 8–15)",
        "Er barnet i akut fare: ring 112.",
    ),
    (
        "Nyankommen borger",
        "Borger, der for nylig er flyttet fra Grønland: første samtale, CPR, sundhedskort, bolig og "
        "forsørgelse.",
        0,
        "Modtagelse af nytilkomne",
        Channel.Way.WALK_IN,
        "Borgerservice, Rådhuset. Tag pas eller grønlandsk sundhedskort med.",
        "Mandag–torsdag 10–14",
        "Det Grønlandske Hus hjælper med at finde vej og kan følge borgeren.",
    ),
    (
        "Rådgivning og følgeskab",
        "Rådgivning på grønlandsk og dansk og følgeskab til møder med kommunen.",
        2,
        "Rådgivningen",
        Channel.Way.PHONE,
        "Tlf. 33 12 34 56",
        "Hverdage 10–15, torsdag til 18",
        "Skriv en besked via hjemmesiden, så ringer vi tilbage.",
    ),
]

WORK_TOOLS = [
    (
        WorkTool.Kind.CONSENT,
        "Samtykkeerklæring",
        "Borgerens samtykke til, at navngivne aktører må udveksle oplysninger. Konkret, afgrænset "
        "og tidsbegrænset, og det kan altid trækkes tilbage.",
        "Jeg, {borger}, giver samtykke til, at følgende aktører må udveksle oplysninger om mig:\n"
        "{aktoerer}\n\nFormål: {formaal}\nOplysninger: {oplysninger}\n"
        "Samtykket gælder til: {udloeb}\n\nJeg kan altid trække samtykket tilbage.\n\n"
        "Dato og underskrift: ____________________",
    ),
    (
        WorkTool.Kind.NETWORK_MAP,
        "Netværkskort",
        "Et kort over borgerens netværk: familie, venner, fagpersoner og frivillige, tegnet sammen "
        "med borgeren.",
        "Borger: {borger}\n\nFamilie:\nVenner og bekendte:\nFagpersoner:\nFrivillige:\n"
        "Hvem vil borgeren gerne have med i forløbet?",
    ),
    (
        WorkTool.Kind.OVERVIEW,
        "Indsatsoverblik",
        "Overblik over alle indsatser i forløbet: hvem gør hvad, hvornår og med hvilket formål.",
        "Borger: {borger}\nTovholder: {tovholder}\n\nIndsats | Aktør | Kontaktperson | Start | "
        "Slut | Formål\n",
    ),
    (
        WorkTool.Kind.GOALS,
        "Mål- og aftaleskema",
        "Borgerens mål med egne ord og aftalerne om, hvem der gør hvad inden hvornår.",
        "Borger: {borger}\n\nMit mål (med mine egne ord):\n\nAftaler:\nHvad | Hvem (én ansvarlig) | Frist\n",
    ),
]

KNOWLEDGE_PAGES = [
    (
        "introduktion-til-maalgruppen",
        "Introduktion til målgruppen",
        "Hvem er socialt udsatte grønlændere i Danmark, og hvad kendetegner deres situation?",
        "## Hvem er målgruppen?\n\nEn mindre gruppe af de grønlændere, der bor i Danmark, er socialt "
        "udsatte: nogle er hjemløse, nogle har et misbrug, og mange har oplevet svigt eller traumer.\n\n"
        "## Hvad virker?\n\n- Én tovholder, som borgeren kender og har tillid til\n"
        "- Tolk, når borgeren har brug for det, også selv om borgeren taler lidt dansk\n"
        "- Tid til at skabe relationen, før der stilles krav\n",
    ),
    (
        "groenlandsk-kultur-og-sprog",
        "Grønlandsk kultur og sprog",
        "Sprog, kommunikation og kulturelle forskelle, der har betydning i mødet med borgeren.",
        "## Sprog\n\nGrønlandsk (*kalaallisut*) er mange borgeres første sprog. Dansk kan være et "
        "andetsprog, også når borgeren taler det i hverdagen. Tilbyd altid tolk ved vigtige møder.\n\n"
        "## Kommunikation\n\n- Pauser og tavshed er en naturlig del af samtalen\n"
        '- Et "ja" kan betyde "jeg har hørt dig", ikke "jeg er enig"\n'
        "- Spørg åbent, og giv tid til svar\n",
    ),
    (
        "nytilkomnes-behov",
        "Nytilkomnes behov",
        "Hvad har en borger brug for de første uger efter flytningen fra Grønland?",
        "## De første uger\n\n1. CPR-nummer, sundhedskort og NemID/MitID\n"
        "2. Bolig eller midlertidigt ophold\n3. Forsørgelse og kontakt til jobcenter\n"
        "4. Kontakt til Det Grønlandske Hus og andre grønlændere\n\n"
        "## Samarbejde\n\nAftal tidligt, hvem der er tovholder, og brug kommunikationsvejen "
        "*Nyankommen borger* i din kommune.\n",
    ),
]


# The framework's plans and workflows (model level 1): kind, title, summary, body, months to review.
FRAMEWORK_DOCUMENTS = [
    (
        "plan",
        "Samarbejdsplan for indsatsen",
        "Hvem gør hvad, og hvordan følger vi op sammen.",
        "## Formål\n\nEt sammenhængende forløb for den enkelte borger.\n\n"
        "## Opfølgning\n\nNetværksmødet gennemgår planen hvert kvartal.",
        6,
    ),
    (
        "arbejdsgang",
        "Overdragelse mellem tovholdere",
        "Sådan overdrages et forløb, uden at borgeren mister kontakten.",
        "1. Den nye tovholder mødes med borgeren og den gamle tovholder.\n"
        "2. Overdragelsen registreres i portalen.\n3. Borgeren får besked i Mit forløb.",
        0,
    ),
]


def network_contact(municipality, organisation):
    """One invented key contact per city who leads the network forum (no login)."""
    User = get_user_model()
    email = f"netvaerk.{municipality.slug}@demo.dk"
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=None, full_name=f"Netværkskoordinator {municipality.name}"
        )
        user.set_unusable_password()
        user.save()
    Membership.objects.update_or_create(
        user=user,
        organisation=organisation,
        defaults={
            "title": "Netværkskoordinator",
            "contact_about": "Netværksmøder og samarbejdet mellem aktørerne",
            "is_key_contact": True,
        },
    )
    return user


def seed_framework(municipalities, organisations):
    """Channels, a quarterly network forum, work tools and knowledge pages. Safe to run again."""
    User = get_user_model()
    today = timezone.localdate()
    for city_index, municipality in enumerate(municipalities):
        for channel_index, (
            topic,
            description,
            org_index,
            unit_name,
            way,
            contact,
            hours,
            fallback,
        ) in enumerate(CHANNELS):
            organisation = organisations[city_index, org_index]
            unit = organisation.units.filter(name=unit_name).first() if unit_name else None
            Channel.objects.update_or_create(
                municipality=municipality,
                topic=topic,
                way=way,
                defaults={
                    "description": description,
                    "organisation": organisation,
                    "unit": unit,
                    "contact_details": contact.format(slug=municipality.slug),
                    "opening_hours": hours,
                    "fallback": fallback,
                    # Every city's first channel is past its review date, so the reports show one.
                    "review_due": today + datetime.timedelta(days=-14 if channel_index == 0 else 180),
                },
            )
        forum, _ = Forum.objects.update_or_create(
            municipality=municipality,
            name=f"Netværksmøde for aktører i {municipality.name}",
            defaults={
                "purpose": "Fælles overblik over indsatsen for socialt udsatte grønlændere, "
                "erfaringer fra forløb og aftaler om samarbejdet.",
                "cadence": Forum.Cadence.QUARTERLY,
            },
        )
        city_organisations = [organisations[city_index, i] for i in range(len(ORGANISATIONS))]
        forum.member_organisations.set(city_organisations)
        members = User.objects.filter(memberships__organisation__in=city_organisations).distinct()
        forum.member_users.set(members)
        meeting_date = timezone.make_aware(datetime.datetime(2026, 9, 15, 13, 0))
        meeting, _ = ForumMeeting.objects.update_or_create(
            forum=forum,
            date=meeting_date,
            defaults={
                "place": f"Rådhuset, {municipality.name}",
                "agenda": "1. Nyt fra aktørerne\n2. Tolkebestilling: erfaringer\n3. Eventuelt",
                "minutes": "Aktørerne fortalte om nye forløb. Tolkebestilling tager for lang tid; "
                "kommunen undersøger en hurtigere vej. Næste møde i december.",
            },
        )
        responsible = network_contact(municipality, organisations[city_index, 0])
        if responsible is not None:
            forum.member_users.add(responsible)
            ForumAction.objects.update_or_create(
                meeting=meeting,
                title="Undersøg hurtigere bestilling af tolk",
                defaults={
                    "responsible": responsible,
                    "due_date": datetime.date(2026, 12, 1),
                },
            )

        for kind, title, summary, body, months in FRAMEWORK_DOCUMENTS:
            document, _ = FrameworkDocument.objects.update_or_create(
                municipality=municipality,
                title=title,
                defaults={
                    "kind": kind,
                    "summary": summary,
                    "owner": responsible,
                    "review_date": timezone.localdate() + datetime.timedelta(days=30 * months),
                },
            )
            if not document.versions.exists():
                FrameworkDocumentVersion.objects.create(
                    document=document, body=body, change_note="Første udgave"
                )

    for kind, name, description, body in WORK_TOOLS:
        WorkTool.objects.update_or_create(
            municipality=None,
            name=name,
            defaults={"kind": kind, "description": description, "template_body": body},
        )
    for slug, title, summary, body in KNOWLEDGE_PAGES:
        KnowledgePage.objects.update_or_create(
            slug=slug, defaults={"title": title, "summary": summary, "body": body}
        )
