"""Benchmark: the offer directory with 10,000 offers (a script, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python -m tests.bench.bench_tilbud

It creates a database of its own (``<name>_bench_tilbud``, dropped afterwards unless ``--keep``;
``--reuse`` measures again on a kept database), migrates it, loads 10,000 invented offers spread
over five municipalities, 60 organisations, all categories and target groups (half with opening
hours), then requests the search page ``/tilbud/?q=…`` and the API ``/api/hsds/services?search=…``
for 20 typical Danish queries (some with typos and filters) through Django's test client, and
reports server time p50/p95 per endpoint and the SQL query count per request.
Target: p95 under 50 ms on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

QUERIES = [
    "herberg",
    "hjemløs",
    "hjemløse",
    "misbrug",
    "misbrgu",
    "tolk",
    "grønlandsk",
    "familierådgivning",
    "familieraadgivning",
    "bostøtte",
    "krisecenter",
    "væresteder",
    "værestd",
    "gældsrådgivning",
    "psykiatri",
    "danskundervisning",
    "nytilkomne",
    "herbeget",
    "natcafé",
    "job og uddannelse",
]
FILTERS = [{}, {"municipality": "aarhus"}, {"open_now": "true"}, {"greenlandic": "true", "free": "true"}]

WORDS = [
    "rådgivning",
    "samtaler",
    "bostøtte",
    "overnatning",
    "værested",
    "fællesskab",
    "behandling",
    "misbrug",
    "alkohol",
    "hash",
    "familier",
    "børn",
    "unge",
    "ældre",
    "nytilkomne",
    "grønlændere",
    "hjemløse",
    "kvinder",
    "vold",
    "tolkning",
    "dansk",
    "grønlandsk",
    "bolig",
    "økonomi",
    "gæld",
    "job",
    "uddannelse",
    "sundhed",
    "psykiatri",
    "mad",
    "bad",
    "tøjvask",
    "frivillige",
    "kommune",
    "hjælp",
]
KINDS = ["kommunal", "privat", "frivillig"]


def bench_url(base: str) -> tuple[str, str]:
    parsed = urlparse(base)
    name = parsed.path.lstrip("/") + "_bench_tilbud"
    return urlunparse(parsed._replace(path="/" + name)), name


def admin_sql(base: str, sql: str) -> None:
    import psycopg2

    parsed = urlparse(base)
    conn = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def load(n: int, seed: int = 4) -> None:
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from samarbejde.models import Municipality, Organisation
    from tilbud.models import Language, Offer, Schedule, TargetGroup, TaxonomyTerm

    rng = random.Random(seed)
    cities = [
        ("København", "koebenhavn", "101"),
        ("Aarhus", "aarhus", "751"),
        ("Odense", "odense", "461"),
        ("Aalborg", "aalborg", "851"),
        ("Esbjerg", "esbjerg", "561"),
    ]
    municipalities = [
        Municipality.objects.update_or_create(code=code, defaults={"name": name, "slug": slug})[0]
        for name, slug, code in cities
    ]
    terms = list(TaxonomyTerm.objects.filter(parent__isnull=False).select_related("parent"))
    groups = list(TargetGroup.objects.all())
    languages = list(Language.objects.all())
    today = timezone.localdate()
    with transaction.atomic():
        orgs = []
        for i in range(60):
            m = municipalities[i % 5]
            orgs.append(
                Organisation.objects.get_or_create(
                    municipality=m, name=f"Bench organisation {i} {m.name}", defaults={"kind": KINDS[i % 3]}
                )[0]
            )
        offers, links = [], {"m": [], "c": [], "g": [], "l": []}
        for i in range(n):
            org = rng.choice(orgs)
            my_terms = rng.sample(terms, rng.randint(1, 2))
            my_groups = rng.sample(groups, rng.randint(1, 3))
            my_langs = rng.sample(languages, rng.randint(1, 2))
            name = f"{my_terms[0].name} {rng.choice(WORDS)} {i}"
            offer = Offer(
                organisation=org,
                name=name,
                description=" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60))).capitalize()
                + ".",
                walk_in=rng.random() < 0.4,
                referral_required=rng.random() < 0.3,
                free=rng.random() < 0.7,
                greenlandic_speaking_staff=rng.random() < 0.2,
                interpreter_available=rng.random() < 0.3,
                anonymous_allowed=rng.random() < 0.2,
                internal=rng.random() < 0.05,
                minimum_age=rng.choice([None, None, 15, 18]),
                assured_date=today - datetime.timedelta(rng.randint(0, 400)),
                search_document=" ".join(
                    [
                        name,
                        org.name,
                        *[t.name for t in my_terms],
                        *[t.parent.name for t in my_terms],
                        *[g.name for g in my_groups],
                        *[lang.name for lang in my_langs],
                        org.municipality.name,
                    ]
                ),
            )
            offers.append(offer)
            links["m"].append((offer, [org.municipality]))
            links["c"].append((offer, my_terms))
            links["g"].append((offer, my_groups))
            links["l"].append((offer, my_langs))
        Offer.objects.bulk_create(offers, batch_size=1000)
        for key, field, column in (
            ("m", "municipalities", "municipality_id"),
            ("c", "categories", "taxonomyterm_id"),
            ("g", "target_groups", "targetgroup_id"),
            ("l", "languages", "language_id"),
        ):
            through = getattr(Offer, field).through
            through.objects.bulk_create(
                [through(offer_id=o.pk, **{column: v.pk}) for o, values in links[key] for v in values],
                batch_size=5000,
            )
        schedules = []
        for offer in offers[::2]:
            opens, closes = rng.choice(
                [("08:00", "16:00"), ("00:00", "00:00"), ("18:00", "10:00"), ("10:00", "22:00")]
            )
            for day in range(7 if rng.random() < 0.5 else 5):
                schedules.append(Schedule(offer=offer, weekday=day, opens_at=opens, closes_at=closes))
        Schedule.objects.bulk_create(schedules, batch_size=5000)
        from tilbud.search import rebuild_words

        rebuild_words()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(repeat: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    rows = []
    for endpoint, path, key in (
        ("search page", "/tilbud/", "q"),
        ("HSDS API", "/api/hsds/services", "search"),
    ):
        times, counts = [], []
        for i, query in enumerate(QUERIES):
            params = {key: query}
            if endpoint == "search page":
                params.update(FILTERS[i % len(FILTERS)])
            elif i % 4 == 1:
                params["municipality"] = "aarhus"
            client.get(path, params)  # warm up
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as ctx:
                    start = time.perf_counter()
                    response = client.get(path, params)
                    elapsed = (time.perf_counter() - start) * 1000
                assert response.status_code == 200, (path, params, response.status_code)
                times.append(elapsed)
                counts.append(len(ctx.captured_queries))
        times.sort()
        rows.append(
            {
                "endpoint": endpoint,
                "requests": len(times),
                "p50_ms": statistics.median(times),
                "p95_ms": times[max(0, int(len(times) * 0.95) - 1)],
                "max_ms": times[-1],
                "queries": sorted(set(counts)),
            }
        )
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="requests per query (after one warm-up)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure on a kept database without reloading")
    args = parser.parse_args(argv)

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    url, name = bench_url(base)
    if not args.reuse:
        admin_sql(base, f'DROP DATABASE IF EXISTS "{name}"')
        admin_sql(base, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    setup_test_environment()
    try:
        if not args.reuse:
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            load(args.offers)
            print(f"Loaded {args.offers} offers in {time.perf_counter() - started:.1f} s into {name}.")
        rows = measure(args.repeat)
        print(f"{'endpoint':<14}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  queries/request")
        for row in rows:
            print(
                f"{row['endpoint']:<14}{row['requests']:>9}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
                f"{row['max_ms']:>9.1f}  {row['queries']}"
            )
        print("Target: p95 under 50 ms.")
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            admin_sql(base, f'DROP DATABASE IF EXISTS "{name}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
