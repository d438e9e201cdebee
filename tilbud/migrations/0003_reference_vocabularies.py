"""The shared vocabularies of the directory: categories (two levels), target groups, languages."""

from django.db import migrations

TAXONOMY = "Tilbudskategorier"

CATEGORIES = [
    ("bolig", "Bolig og ophold", [
        ("herberg", "Herberg og natvarmestue"),
        ("botilbud", "Botilbud"),
        ("bostoette", "Bostøtte"),
        ("krisecenter", "Krisecenter"),
    ]),
    ("behandling", "Behandling", [
        ("misbrugsbehandling", "Misbrugsbehandling"),
        ("psykiatri", "Psykiatri og psykisk sundhed"),
        ("sundhed", "Sundhed og sygepleje"),
    ]),
    ("raadgivning", "Rådgivning", [
        ("familieraadgivning", "Familierådgivning"),
        ("socialraadgivning", "Social rådgivning"),
        ("gaeldsraadgivning", "Gældsrådgivning"),
        ("juridisk-raadgivning", "Juridisk rådgivning"),
    ]),
    ("faellesskab", "Fællesskab og dagtilbud", [
        ("vaeresteder", "Væresteder og dagcentre"),
        ("frivillige-foreninger", "Frivillige foreninger"),
        ("groenlandske-huse", "Grønlandske huse"),
    ]),
    ("sprog", "Sprog og tolkning", [
        ("tolkebistand", "Tolkebistand"),
        ("danskundervisning", "Danskundervisning"),
    ]),
    ("beskaeftigelse", "Beskæftigelse og uddannelse", [
        ("jobafklaring", "Jobafklaring"),
        ("uddannelsesvejledning", "Uddannelsesvejledning"),
    ]),
    ("ankomst", "Ankomst og nytilkomne", [
        ("modtagelse", "Modtagelse af nytilkomne"),
    ]),
]

TARGET_GROUPS = [
    ("boernefamilier", "Børnefamilier"),
    ("nytilkomne", "Nytilkomne"),
    ("hjemloese", "Hjemløse"),
    ("misbrug", "Misbrug"),
    ("psykisk-saarbare", "Psykisk sårbare"),
    ("aeldre", "Ældre"),
    ("unge", "Unge"),
    ("kvinder", "Kvinder"),
    ("voldsramte", "Voldsramte"),
]

LANGUAGES = [("da", "Dansk"), ("kl", "Grønlandsk (kalaallisut)"), ("en", "Engelsk")]


def create(apps, schema_editor):
    Taxonomy = apps.get_model("tilbud", "Taxonomy")
    TaxonomyTerm = apps.get_model("tilbud", "TaxonomyTerm")
    TargetGroup = apps.get_model("tilbud", "TargetGroup")
    Language = apps.get_model("tilbud", "Language")
    taxonomy, _ = Taxonomy.objects.get_or_create(
        name=TAXONOMY, defaults={"description": "Portalens kategorier af tilbud (to niveauer)."}
    )
    for code, name, children in CATEGORIES:
        parent, _ = TaxonomyTerm.objects.get_or_create(
            code=code, defaults={"taxonomy": taxonomy, "name": name}
        )
        for child_code, child_name in children:
            TaxonomyTerm.objects.get_or_create(
                code=child_code, defaults={"taxonomy": taxonomy, "name": child_name, "parent": parent}
            )
    for code, name in TARGET_GROUPS:
        TargetGroup.objects.get_or_create(code=code, defaults={"name": name})
    for code, name in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("tilbud", "0002_hsds_directory")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
