"""Demo framework for the five cities: municipalities, organisations, units and demo logins.

Everyone here is invented. ``DEMO_PASSWORD`` is printed by ``seed_demo``.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.roles import Role
from samarbejde.models import Membership, Municipality, Organisation, Unit

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
