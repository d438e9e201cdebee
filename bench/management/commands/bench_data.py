"""Generate a national-scale data set for benchmarks with PostgreSQL COPY.

    python manage.py bench_data            # 98 municipalities, 100,000 cases, 1,000,000 tasks, ...
    python manage.py bench_data --small    # a hundredth of that, for CI smoke runs
    python manage.py bench_data --cases 20000 --tasks-per-case 5

It refuses to run on a database that already has cases unless ``--reset`` (which empties the
portal's tables first). Everything is invented; every user's password is ``BENCH_PASSWORD``.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import date, timedelta

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from bench.bulkload import copy_rows
from core.roles import Role
from rapporter.compute import compute_reports

BENCH_PASSWORD = "Bench-portal-2026"

MUNICIPALITIES = [
    "København",
    "Frederiksberg",
    "Albertslund",
    "Ballerup",
    "Brøndby",
    "Dragør",
    "Gentofte",
    "Gladsaxe",
    "Glostrup",
    "Herlev",
    "Hvidovre",
    "Høje-Taastrup",
    "Ishøj",
    "Lyngby-Taarbæk",
    "Rødovre",
    "Tårnby",
    "Vallensbæk",
    "Allerød",
    "Egedal",
    "Fredensborg",
    "Frederikssund",
    "Furesø",
    "Gribskov",
    "Halsnæs",
    "Helsingør",
    "Hillerød",
    "Hørsholm",
    "Rudersdal",
    "Bornholm",
    "Greve",
    "Køge",
    "Lejre",
    "Roskilde",
    "Solrød",
    "Faxe",
    "Guldborgsund",
    "Holbæk",
    "Kalundborg",
    "Lolland",
    "Næstved",
    "Odsherred",
    "Ringsted",
    "Slagelse",
    "Sorø",
    "Stevns",
    "Vordingborg",
    "Assens",
    "Faaborg-Midtfyn",
    "Kerteminde",
    "Langeland",
    "Middelfart",
    "Nordfyns",
    "Nyborg",
    "Odense",
    "Svendborg",
    "Ærø",
    "Billund",
    "Esbjerg",
    "Fanø",
    "Fredericia",
    "Haderslev",
    "Kolding",
    "Sønderborg",
    "Tønder",
    "Varde",
    "Vejen",
    "Vejle",
    "Aabenraa",
    "Favrskov",
    "Hedensted",
    "Horsens",
    "Norddjurs",
    "Odder",
    "Randers",
    "Samsø",
    "Silkeborg",
    "Skanderborg",
    "Syddjurs",
    "Aarhus",
    "Herning",
    "Holstebro",
    "Ikast-Brande",
    "Lemvig",
    "Ringkøbing-Skjern",
    "Skive",
    "Struer",
    "Viborg",
    "Brønderslev",
    "Frederikshavn",
    "Hjørring",
    "Jammerbugt",
    "Læsø",
    "Mariagerfjord",
    "Morsø",
    "Rebild",
    "Thisted",
    "Vesthimmerlands",
    "Aalborg",
]

FIRST_NAMES = [
    "Aviaja",
    "Nuka",
    "Malik",
    "Pipaluk",
    "Inuk",
    "Naja",
    "Hans",
    "Ivalu",
    "Kaali",
    "Arnaq",
    "Aputsiaq",
    "Paninnguaq",
    "Minik",
    "Niviaq",
    "Uiloq",
    "Tukummeq",
    "Salik",
    "Nivi",
    "Ole",
    "Maren",
    "Karl",
    "Sofie",
    "Anders",
    "Mette",
    "Jens",
    "Lise",
    "Peter",
    "Anne",
    "Lars",
    "Maria",
]
LAST_NAMES = [
    "Kleist",
    "Lynge",
    "Petersen",
    "Olsen",
    "Heilmann",
    "Berthelsen",
    "Kristiansen",
    "Motzfeldt",
    "Rosing",
    "Egede",
    "Jensen",
    "Nielsen",
    "Hansen",
    "Larsen",
    "Andersen",
    "Poulsen",
    "Lund",
    "Holm",
    "Knudsen",
    "Frederiksen",
]

TASK_TITLES = [
    "Ring til borgeren om boligsituationen",
    "Bestil tolk til netværksmødet",
    "Send henvisning til misbrugsbehandling",
    "Følg op på ansøgning om kontanthjælp",
    "Aftal møde med bostøtten",
    "Indhent samtykke til deling med jobcentret",
    "Opdater handleplanen efter mødet",
    "Ledsag borgeren til lægen",
]

_PER_CASE = dict(
    municipalities=98, tasks_per_case=10, meetings_per_case=3, timeline_per_case=10, audit_per_case=10
)

# Both presets share the national shape per case; they differ in how many of each there are.
SIZES = {
    "full": dict(_PER_CASE, organisations=5000, users=20000, cases=100_000, offers=10_000),
    "small": dict(_PER_CASE, organisations=300, users=600, cases=1000, offers=200),
}


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa"))


def _links(pairs, owner, other):
    """Through-table rows from (owner id, first id, second id): the owner linked to the first and,
    when it is another one, to the second."""
    for owner_id, first, second in pairs:
        yield {owner: owner_id, other: first}
        if second != first:
            yield {owner: owner_id, other: second}


class Command(BaseCommand):
    help = "Generates a national-scale benchmark data set (PostgreSQL COPY)."

    def add_arguments(self, parser):
        parser.add_argument("--small", action="store_true", help="A small preset for smoke runs.")
        parser.add_argument("--reset", action="store_true", help="Empty the portal's tables first.")
        parser.add_argument("--seed", type=int, default=2026)
        for name in SIZES["full"]:
            parser.add_argument(f"--{name.replace('_', '-')}", type=int, dest=name)

    def handle(self, *args, small=False, reset=False, seed=2026, **options):
        sizes = dict(SIZES["small" if small else "full"])
        sizes.update({k: v for k, v in options.items() if k in sizes and v is not None})
        self.rng = random.Random(seed)
        Case = apps.get_model("borgerforloeb", "Case")
        if reset:
            self._reset()
        elif Case.objects.exists():
            raise CommandError("The database already has cases; use --reset on a benchmark database.")
        started = time.monotonic()
        with transaction.atomic():
            self._load(sizes)
        step = time.monotonic()
        run = compute_reports(full=True)
        self.stdout.write(f"Report figures: {run.months} months in {time.monotonic() - step:.0f} s")
        # VACUUM as well: the load rewrites rows (search documents, sequences), and a server with
        # autovacuum off would otherwise keep the dead half of those tables until someone vacuums.
        self.stdout.write("Vacuuming and analysing tables...")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Benchmark data loaded in {time.monotonic() - started:.0f} s."))

    # --- helpers -------------------------------------------------------------------------------
    def _step(self, label, model, rows, **kwargs):
        start = time.monotonic()
        count = copy_rows(model, rows, **kwargs)
        self.stdout.write(f"  {label:<28} {count:>10,} rows  {time.monotonic() - start:6.1f} s")
        return count

    def _reset(self):
        tables = [
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in {"core", "samarbejde", "tilbud", "borgerforloeb", "rapporter", "axes"}
            and not model._meta.proxy
            and model._meta.managed
        ]
        with connection.cursor() as cursor:
            quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")  # noqa: S608 - table names from models

    def _name(self):
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    # --- the data set ----------------------------------------------------------------------------
    def _load(self, s):  # noqa: C901 - one linear recipe
        rng = self.rng
        M = apps.get_model
        Municipality, Organisation = M("samarbejde", "Municipality"), M("samarbejde", "Organisation")
        Membership, User = M("samarbejde", "Membership"), M("core", "User")
        now = timezone.now()
        today = date.today()

        # Municipalities: weight by rough population so the big cities have the most cases.
        names = MUNICIPALITIES[: s["municipalities"]]
        existing = {m.name: m.pk for m in Municipality.objects.all()}
        new_munis = [
            {"name": n, "slug": _slug(n), "code": f"{900 - i:03d}"}
            for i, n in enumerate(names)
            if n not in existing
        ]
        # Avoid clashes with codes already present.
        taken = set(Municipality.objects.values_list("code", flat=True))
        free_codes = (f"{c:03d}" for c in range(100, 1000) if f"{c:03d}" not in taken)
        for row in new_munis:
            row["code"] = next(free_codes)
        self._step("municipalities", Municipality, new_munis)
        munis = list(Municipality.objects.filter(name__in=names).values_list("pk", "name"))
        weights = [8 if n in {"København", "Aarhus", "Odense", "Aalborg", "Esbjerg"} else 1 for _, n in munis]

        # Organisations: a municipal one per municipality, the rest private/voluntary.
        orgs = []  # (id, municipality_id, kind)

        def org_rows():
            for index in range(s["organisations"]):
                muni_id, muni_name = (
                    munis[index % len(munis)] if index < len(munis) else rng.choices(munis, weights)[0]
                )
                kind = "kommunal" if index < len(munis) else rng.choice(["privat", "frivillig", "kommunal"])
                oid = uuid.uuid4()
                orgs.append((oid, muni_id, kind))
                yield {
                    "id": oid,
                    "name": f"{'Socialforvaltningen' if kind == 'kommunal' else 'Aktør'} {muni_name} {index}",
                    "municipality_id": muni_id,
                    "kind": kind,
                    "description": "Genereret til benchmark.",
                }

        self._step("organisations", Organisation, org_rows())
        orgs_by_muni: dict[int, list] = {}
        for oid, muni_id, kind in orgs:
            orgs_by_muni.setdefault(muni_id, []).append((oid, kind))

        # Users with one membership each: 30% caseworkers, 45% coordinators, 25% volunteers.
        password = make_password(BENCH_PASSWORD)
        users = []  # (id, municipality_id, org_id, role)
        groups = {g.name: g.pk for g in Group.objects.all()}

        def user_rows():
            for index in range(s["users"]):
                muni_id = (
                    rng.choices(munis, weights)[0][0]
                    if index >= len(munis) * 3
                    else munis[index % len(munis)][0]
                )
                role = (
                    (Role.CASEWORKER, Role.COORDINATOR, Role.VOLUNTEER)[index % 3]
                    if index < len(munis) * 3
                    else rng.choices([Role.CASEWORKER, Role.COORDINATOR, Role.VOLUNTEER], [30, 45, 25])[0]
                )
                candidates = orgs_by_muni[muni_id]
                if role == Role.CASEWORKER:
                    org_id = next(o for o, k in candidates if k == "kommunal")
                else:
                    org_id = rng.choice(candidates)[0]
                uid = uuid.uuid4()
                users.append((uid, muni_id, org_id, role))
                yield {
                    "id": uid,
                    "email": f"bruger{index}@bench.example.dk",
                    "full_name": self._name(),
                    "password": password,
                    "is_active": True,
                }

        self._step("users", User, user_rows())
        self._step(
            "user groups",
            User.groups.through,
            ({"user_id": u, "group_id": groups[r.value]} for u, _, _, r in users),
        )
        self._step(
            "memberships",
            Membership,
            ({"user_id": u, "organisation_id": o, "title": "Medarbejder"} for u, _, o, _ in users),
        )
        by_muni_role: dict[tuple, list] = {}
        for uid, muni_id, org_id, role in users:
            by_muni_role.setdefault((muni_id, role), []).append((uid, org_id))

        self._load_offers(s, orgs, munis)
        self._load_cases(s, munis, weights, by_muni_role, users, now, today)

    def _load_offers(self, s, orgs, munis):
        rng = self.rng
        Offer = apps.get_model("tilbud", "Offer")
        words = [
            "Herberg",
            "Værested",
            "Misbrugsbehandling",
            "Familierådgivning",
            "Bostøtte",
            "Tolkeservice",
            "Grønlandsk hus",
            "Natcafé",
            "Botilbud",
            "Rådgivning for nytilkomne",
            "Socialpsykiatri",
            "Ungdomsklub",
            "Hjemløseboliger",
            "Værested for ældre",
            "Gældsrådgivning",
        ]
        offers = []
        offer_flags = [
            f.attname
            for f in Offer._meta.concrete_fields
            if f.get_internal_type() == "BooleanField" and f.attname != "internal"
        ]

        def rows():
            for index in range(s["offers"]):
                oid, muni_id, _ = rng.choice(orgs)
                offer_id = uuid.uuid4()
                offers.append((offer_id, muni_id))
                word = rng.choice(words)
                flags = {name: rng.random() < 0.3 for name in offer_flags}
                yield {
                    **flags,
                    "id": offer_id,
                    "organisation_id": oid,
                    "name": f"{word} {index}",
                    "description": f"{word} for socialt udsatte grønlændere. Hjælp til hjemløse, misbrug "
                    "og familier med børn. Grønlandsktalende personale.",
                }

        self._step("offers", Offer, rows())
        self._step(
            "offer municipalities",
            Offer.municipalities.through,
            ({"offer_id": o, "municipality_id": m} for o, m in offers),
        )
        # COPY bypasses the signals: the offers' search documents, facet ids and typo words, set-based
        # in one statement by the same function the app uses on every write.
        from tilbud.answers import directory_changed
        from tilbud.search import refresh_offers

        start = time.monotonic()
        refresh_offers(Offer.objects.all())
        directory_changed()
        self.stdout.write(
            f"  {'offer search documents':<28} {s['offers']:>10,} rows  {time.monotonic() - start:6.1f} s"
        )

    def _load_cases(self, s, munis, weights, by_muni_role, users, now, today):  # noqa: C901
        rng = self.rng
        M = lambda model: apps.get_model("borgerforloeb", model)  # noqa: E731
        Citizen, Case, Assignment, Participant = (
            M("Citizen"),
            M("Case"),
            M("CoordinatorAssignment"),
            M("Participant"),
        )
        Consent, Plan, PlanVersion, Goal = M("Consent"), M("Plan"), M("PlanVersion"), M("Goal")
        Task, Meeting, TimelineEvent, AttentionPoint = (
            M("Task"),
            M("Meeting"),
            M("TimelineEvent"),
            M("AttentionPoint"),
        )
        AuditEvent = apps.get_model("core", "AuditEvent")
        caseworker_pool = {m: by_muni_role.get((m, Role.CASEWORKER), []) for m, _ in munis}
        coordinator_pool = {m: by_muni_role.get((m, Role.COORDINATOR), []) for m, _ in munis}
        volunteer_pool = {m: by_muni_role.get((m, Role.VOLUNTEER), []) for m, _ in munis}
        any_user = [(u, o) for u, _, o, _ in users]

        def pick(pool):
            return rng.choice(pool) if pool else rng.choice(any_user)

        cases = []  # (case_id, muni_id, caseworker, coordinator, previous coordinator, volunteer)

        def citizen_rows():
            for _ in range(s["cases"]):
                muni_id = rng.choices(munis, weights)[0][0]
                citizen_id = uuid.uuid4()
                cases.append(
                    [
                        uuid.uuid4(),
                        muni_id,
                        pick(caseworker_pool[muni_id]),
                        pick(coordinator_pool[muni_id]),
                        pick(coordinator_pool[muni_id]),
                        pick(volunteer_pool[muni_id]),
                        citizen_id,
                    ]
                )
                birth = date(1960, 1, 1) + timedelta(days=rng.randrange(20000))
                yield {
                    "id": citizen_id,
                    "full_name": self._name(),
                    "date_of_birth": birth,
                    "municipality_id": muni_id,
                    "preferred_language": rng.choice(["da", "kl"]),
                }

        self._step("citizens", Citizen, citizen_rows())
        self._step(
            "cases",
            Case,
            (
                {
                    "id": c[0],
                    "citizen_id": c[6],
                    "municipality_id": c[1],
                    "status": "open" if i % 10 else "closed",
                    "closed_reason": "" if i % 10 else "Målene er nået.",
                    "end_date": None if i % 10 else today,
                    "start_date": today - timedelta(days=rng.randrange(900)),
                    "summary": "Borger med behov for koordineret indsats.",
                }
                for i, c in enumerate(cases)
            ),
        )

        def assignment_rows():
            for case_id, _, _, coordinator, previous, *_ in cases:
                started = now - timedelta(days=rng.randrange(200, 800))
                handover = started + timedelta(days=rng.randrange(30, 190))
                yield {
                    "case_id": case_id,
                    "person_id": previous[0],
                    "organisation_id": previous[1],
                    "started_at": started,
                    "ended_at": handover,
                    "reason": "Overdraget",
                }
                yield {
                    "case_id": case_id,
                    "person_id": coordinator[0],
                    "organisation_id": coordinator[1],
                    "started_at": handover,
                    "ended_at": None,
                    "reason": "Overtaget",
                }

        self._step("coordinator assignments", Assignment, assignment_rows())

        def participant_rows():
            for case_id, _, caseworker, coordinator, _, volunteer, _ in cases:
                yield {
                    "case_id": case_id,
                    "user_id": caseworker[0],
                    "organisation_id": caseworker[1],
                    "role": "caseworker",
                    "responsibility": "Myndighedsansvar",
                }
                yield {
                    "case_id": case_id,
                    "user_id": coordinator[0],
                    "organisation_id": coordinator[1],
                    "role": "coordinator",
                    "responsibility": "Tovholder",
                }
                yield {
                    "case_id": case_id,
                    "user_id": volunteer[0],
                    "organisation_id": volunteer[1],
                    "role": "volunteer",
                    "responsibility": "Bisidder",
                }

        self._step("participants", Participant, participant_rows())

        consents = []

        def consent_rows():
            for case_id, _, _, coordinator, _, volunteer, citizen_id in cases:
                consent_id = uuid.uuid4()
                consents.append((consent_id, coordinator[1], volunteer[1]))
                yield {
                    "id": consent_id,
                    "citizen_id": citizen_id,
                    "case_id": case_id,
                    "text_shown": "Jeg giver samtykke til at oplysninger deles med de nævnte aktører.",
                    "given_how": "signed",
                    "valid_from": today - timedelta(days=300),
                    "valid_until": today + timedelta(days=rng.randrange(10, 400)),
                }

        self._step("consents", Consent, consent_rows())
        self._step(
            "consent organisations",
            Consent.organisations.through,
            _links(consents, "consent_id", "organisation_id"),
        )

        def next_ids(model, count):
            if model._meta.pk.get_internal_type() == "UUIDField":
                return [uuid.uuid4() for _ in range(count)]
            first = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
            return list(range(first, first + count))

        plans = list(zip(next_ids(Plan, len(cases)), [c[0] for c in cases], strict=True))
        self._step("plans", Plan, ({"id": p, "case_id": c} for p, c in plans), with_pk=True)
        versions = next_ids(PlanVersion, len(plans))
        self._step(
            "plan versions",
            PlanVersion,
            (
                {
                    "id": version_id,
                    "plan_id": plan_id,
                    "number": 1,
                    "status": "accepted",
                    "purpose": "At borgeren får en stabil bolig og kontakt til behandling.",
                    "next_review": today + timedelta(days=rng.randrange(-30, 180)),
                    "accepted_at": now,
                }
                for version_id, (plan_id, _) in zip(versions, plans, strict=True)
            ),
            with_pk=True,
        )
        self._step(
            "goals",
            Goal,
            (
                {"version_id": v, "text": text, "who_helps": "Tovholderen", "order": n}
                for v in versions
                for n, text in enumerate(
                    ["Jeg vil have mit eget sted at bo.", "Jeg vil se mine børn hver uge."]
                )
            ),
        )

        keys = [
            "language",
            "culture",
            "consent",
            "network",
            "children",
            "housing",
            "substance",
            "contact",
            "handover",
            "newcomer",
        ]
        self._step(
            "attention points",
            AttentionPoint,
            (
                {
                    "case_id": c[0],
                    "key": k,
                    "label": k.capitalize(),
                    "order": n,
                    "status": rng.choice(["not_assessed", "ok", "attention"]),
                }
                for c in cases
                for n, k in enumerate(keys)
            ),
        )

        def task_rows():
            for case_id, _, caseworker, coordinator, _, volunteer, _ in cases:
                people = (caseworker[0], coordinator[0], coordinator[0], volunteer[0])
                for _ in range(s["tasks_per_case"]):
                    # A year of history and two months ahead: most past tasks are done, a few are
                    # overdue; most future ones are still open.
                    due = today + timedelta(days=rng.randrange(-365, 60))
                    done = rng.random() < (0.96 if due < today else 0.2)
                    yield {
                        "id": uuid.uuid4(),
                        "case_id": case_id,
                        "title": rng.choice(TASK_TITLES),
                        "responsible_id": rng.choice(people),
                        "due_date": due,
                        "status": "done" if done else "open",
                        "completed_at": now if done else None,
                    }

        self._step("tasks", Task, task_rows())

        meetings = []

        def meeting_rows():
            for case_id, _, caseworker, coordinator, *_ in cases:
                for _ in range(s["meetings_per_case"]):
                    meeting_id = uuid.uuid4()
                    meetings.append((meeting_id, caseworker[0], coordinator[0]))
                    starts = now + timedelta(hours=rng.randrange(-24 * 120, 24 * 60))
                    needed = rng.random() < 0.5
                    yield {
                        "id": meeting_id,
                        "case_id": case_id,
                        "title": "Netværksmøde",
                        "starts_at": starts,
                        "ends_at": starts + timedelta(hours=1),
                        "place": "Borgerservice",
                        "interpreter_needed": needed,
                        "interpreter_language": "kalaallisut" if needed else "",
                        "interpreter_booked": needed and rng.random() < 0.7,
                    }

        self._step("meetings", Meeting, meeting_rows())
        self._step(
            "meeting participants",
            Meeting.participants.through,
            _links(meetings, "meeting_id", "user_id"),
        )

        kinds = ["case", "coordinator", "task", "meeting", "plan", "participant", "decision"]

        def timeline_rows():
            for case_id, _, _, coordinator, *_ in cases:
                # Walk back from the latest event: most cases had activity in the last few weeks.
                at = now - timedelta(hours=rng.expovariate(1 / (24 * 12)))
                for _ in range(s["timeline_per_case"]):
                    yield {
                        "case_id": case_id,
                        "at": at,
                        "kind": rng.choice(kinds),
                        "actor_id": coordinator[0],
                        "summary": "Opgave oprettet",
                    }
                    at -= timedelta(hours=rng.randrange(1, 24 * 20))

        self._step("timeline events", TimelineEvent, timeline_rows())

        def audit_rows():
            for case_id, _, caseworker, *_ in cases:
                for _ in range(s["audit_per_case"]):
                    yield {
                        "at": now - timedelta(minutes=rng.randrange(1, 500_000)),
                        "actor_id": caseworker[0],
                        "action": rng.choice(["view", "update", "create"]),
                        "object_type": "borgerforloeb.case",
                        "object_id": str(case_id),
                        "object_repr": "Forløb",
                        "case_id": case_id,
                        "changes": {},
                    }

        self._step("audit events", AuditEvent, audit_rows())
