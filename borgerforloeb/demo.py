"""Demo citizen cases in København and Aarhus, one moving from Aarhus to København. Everyone here
is invented; no CPR numbers.

Safe to run again: each part is looked up before it is created. Runs after ``samarbejde.demo``
(which creates the demo users and organisations).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from borgerforloeb import permissions
from borgerforloeb.models import (
    AttentionPoint,
    Case,
    CaseTransfer,
    Citizen,
    Consent,
    CoordinatorAssignment,
    Decision,
    Effort,
    Meeting,
    NetworkPerson,
    Participant,
    PlanAcceptance,
    PlanVersion,
    Task,
    TransferPart,
)
from borgerforloeb.services import network
from borgerforloeb.services.cases import assign_coordinator, open_case
from borgerforloeb.services.citizens import create_citizen
from borgerforloeb.services.consents import record_consent
from borgerforloeb.services.efforts import answer_referral, save_effort
from borgerforloeb.services.events import add_timeline
from borgerforloeb.services.participants import add_participant
from borgerforloeb.services.plan import accept_plan_version, new_plan_version, save_plan_version
from borgerforloeb.services.tasks import create_task
from borgerforloeb.services.transfers import start_transfer
from samarbejde.models import Municipality, Organisation

CONSENT_TEXT = (
    "Jeg giver samtykke til, at de nævnte organisationer og personer må udveksle oplysninger om "
    "min situation og min plan, så de kan hjælpe mig sammen. Jeg kan trække samtykket tilbage når "
    "som helst."
)

# (full name, preferred name, city slug, born, language, interpreter, newcomer, summary, what matters)
CITIZENS = [
    (
        "Paninnguaq Aqqaluk Nielsen",
        "Panin",
        "koebenhavn",
        date(1979, 3, 14),
        "kl",
        True,
        True,
        "Kom fra Nuuk i foråret. Bor midlertidigt hos en kusine og har brug for egen bolig og en læge.",
        "At få min egen lejlighed og at mine børn kan besøge mig.",
    ),
    (
        "Ulloriaq Tukumik Berthelsen",
        "",
        "koebenhavn",
        date(1968, 11, 2),
        "da",
        False,
        False,
        "Har boet i København i mange år. Har brug for hjælp til økonomi og kontakt til misbrugsbehandling.",
        "At have ro i hverdagen og at komme til fællesspisning i Det Grønlandske Hus.",
    ),
    (
        "Inunnguaq Siisi Isaksen",
        "Siisi",
        "aarhus",
        date(1991, 7, 23),
        "kl",
        True,
        True,
        "Nytilkommen med to børn. Skal i gang med danskundervisning og har brug for bostøtte.",
        "At mine børn trives i skolen, og at jeg lærer dansk.",
    ),
]


def _user(email):
    return get_user_model().objects.filter(email__iexact=email).first()


def _org(name):
    return Organisation.objects.filter(name=name).first()


def seed(stdout):
    caseworker = _user("sagsbehandler@demo.dk")
    coordinator = _user("tovholder@demo.dk")
    volunteer = _user("frivillig@demo.dk")
    if caseworker is None or coordinator is None:
        stdout.write("Citizen cases: demo users missing, skipped.")
        return
    today = timezone.localdate()
    house_kbh = _org("Det Grønlandske Hus, København")
    social_kbh = _org("København Kommune, Socialforvaltningen")
    created = 0
    for index, (name, preferred, slug, born, language, interpreter, newcomer, summary, matters) in enumerate(
        CITIZENS
    ):
        municipality = Municipality.objects.get(slug=slug)
        # Only a caseworker of the citizen's own municipality creates the citizen and opens the
        # case; the demo has one caseworker (København), so other municipalities' demo citizens
        # are seeded without a staff actor.
        own_caseworker = (
            caseworker if permissions.is_municipal_caseworker(caseworker, municipality.pk) else None
        )
        citizen = Citizen.objects.filter(full_name=name, municipality=municipality).first()
        if citizen is None:
            citizen = create_citizen(
                actor=own_caseworker,
                municipality=municipality,
                full_name=name,
                preferred_name=preferred,
                email=f"borger{index + 1}@demo.dk",
                date_of_birth=born,
                preferred_language=language,
                interpreter_wanted=interpreter,
                is_newcomer=newcomer,
                arrived_on=today - timedelta(days=120) if newcomer else None,
                contact_preference="only_coordinator" if index == 0 else "any",
                what_matters=matters,
                target_groups=["nytilkomne"] if newcomer else ["misbrug"],
            )
        organisations = [o for o in (house_kbh, social_kbh) if o is not None]
        if not Consent.objects.valid().filter(citizen=citizen, organisations=house_kbh).exists():
            record_consent(
                actor=caseworker,
                citizen=citizen,
                text_shown=CONSENT_TEXT,
                language=language,
                given_how=Consent.GivenHow.INTERPRETER if interpreter else Consent.GivenHow.SIGNED,
                interpreter_name="Tolk Arnaq (demo)" if interpreter else "",
                information_kinds=[
                    Consent.InformationKind.BASIC,
                    Consent.InformationKind.SITUATION,
                    Consent.InformationKind.HOUSING,
                ],
                organisations=organisations,
                valid_until=today + timedelta(days=365),
            )
        case = Case.objects.filter(citizen=citizen).first()
        if case is None:
            case = open_case(
                actor=own_caseworker,
                citizen=citizen,
                municipality=municipality,
                summary=summary,
                start_date=today - timedelta(days=60 - index * 10),
            )
            created += 1
        if not CoordinatorAssignment.objects.active().filter(case=case).exists():
            assign_coordinator(
                actor=caseworker,
                case=case,
                person=coordinator,
                organisation=house_kbh,
                reason="Har tæt kontakt til borgeren gennem Det Grønlandske Hus.",
            )
        if slug == "koebenhavn":
            _ensure_participant(
                actor=caseworker,
                case=case,
                user=caseworker,
                organisation=social_kbh,
                role=Participant.Role.CASEWORKER,
                responsibility="Handleplan efter § 141, bevillinger og boligsag.",
            )
        if index == 0 and volunteer is not None:
            _ensure_participant(
                actor=coordinator,
                case=case,
                user=volunteer,
                organisation=house_kbh,
                role=Participant.Role.VOLUNTEER,
                responsibility="Følger borgeren til møder hos lægen og i boligselskabet.",
            )
        if not Participant.objects.filter(case=case, role=Participant.Role.RELATIVE).exists():
            add_participant(
                actor=coordinator,
                case=case,
                name="Kusine (demo)",
                role=Participant.Role.RELATIVE,
                responsibility="Borgerens vigtigste støtte i familien.",
            )
        _tasks(case, index, coordinator=coordinator, caseworker=caseworker, today=today)
        _referral(case, index, coordinator=coordinator, receiver=house_kbh)
        if index == 0:
            _meeting(case, coordinator=coordinator, caseworker=caseworker, volunteer=volunteer, today=today)
            _plan_and_decision(case, coordinator=coordinator, caseworker=caseworker)
            _network_map(case, coordinator=coordinator, volunteer=volunteer, organisation=house_kbh)
            AttentionPoint.objects.filter(case=case, key="language", status="not_assessed").update(
                status=AttentionPoint.Status.ATTENTION, note="Taler helst grønlandsk; tolk til alle møder."
            )
            AttentionPoint.objects.filter(case=case, key="consent", status="not_assessed").update(
                status=AttentionPoint.Status.OK, note="Samtykke givet med tolk."
            )
    _pending_transfer(today)
    stdout.write(f"Citizen cases: {Case.objects.count()} in all ({created} new).")


# Referrals of the second to fourth demo case to Det Grønlandske Hus and the answer given:
# declined ones carry the kind of reason the reports count.
REFERRALS = {
    1: (
        "Bostøttegruppe i Det Grønlandske Hus",
        False,
        Effort.DeclineKind.NO_CAPACITY,
        "Holdet er fuldt til foråret.",
    ),
    2: ("Samtalegruppe på grønlandsk", False, Effort.DeclineKind.CITIZEN_DECLINED, "Borgeren vil vente."),
    3: ("Værested med frokost", True, "", ""),
}


def _ensure_participant(*, actor, case, user, **fields):
    """Add ``user`` to the case unless they already take part (seeding runs again safely)."""
    if not Participant.objects.filter(case=case, user=user, active=True).exists():
        add_participant(actor=actor, case=case, user=user, **fields)


def _referral(case, index, *, coordinator, receiver):
    if index not in REFERRALS or receiver is None:
        return
    title, accept, kind, reason = REFERRALS[index]
    if Effort.objects.filter(case=case, title=title).exists():
        return
    effort = save_effort(
        actor=coordinator,
        case=case,
        title=title,
        receiving_organisation=receiver,
        responsible=coordinator,
        status=Effort.Status.REFERRED,
    )
    answer_referral(actor=None, effort=effort, accept=accept, reason=reason, reason_kind=kind)


def _pending_transfer(today):
    """The Aarhus citizen moves to København: one transfer waits for København's answer (the
    citizen's consent already covers København's social services)."""
    case = Case.objects.filter(municipality__slug="aarhus").order_by("start_date").first()
    target = Municipality.objects.filter(slug="koebenhavn").first()
    if case is None or target is None or CaseTransfer.objects.filter(case=case).exists():
        return
    start_transfer(
        actor=None,
        case=case,
        to_municipality=target,
        move_date=today + timedelta(days=21),
        parts=[p for p in TransferPart.values if p != TransferPart.MINUTES],
        message="Siisi flytter tæt på sin søster i København. Tolk til alle møder.",
    )


def _tasks(case, index, *, coordinator, caseworker, today):
    if (
        index == 0
        and not Task.objects.filter(case=case, responsible=coordinator, title__startswith="Ring til").exists()
    ):
        create_task(
            actor=caseworker,
            case=case,
            title="Ring til boligselskabet om ventelisten",
            responsible=coordinator,
            due_date=today - timedelta(days=3),
        )
    if index == 0:
        # Keep one overdue task open for the coordinator even if the demo has been used.
        task = Task.objects.filter(case=case, responsible=coordinator, title__startswith="Ring til").first()
        if task and task.status == Task.Status.OPEN and task.due_date >= today:
            Task.objects.filter(pk=task.pk).update(due_date=today - timedelta(days=3))
    if not Task.objects.filter(case=case, responsible=caseworker).exists():
        create_task(
            actor=coordinator,
            case=case,
            title="Send ansøgning om bostøtte",
            responsible=caseworker,
            due_date=today + timedelta(days=7 + index),
        )


def _meeting(case, *, coordinator, caseworker, volunteer, today):
    if Meeting.objects.filter(case=case, starts_at__gte=timezone.now(), interpreter_needed=True).exists():
        return
    starts = timezone.make_aware(datetime.combine(today + timedelta(days=5), time(10, 0)))
    meeting = Meeting.objects.create(
        case=case,
        title="Netværksmøde",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1, minutes=30),
        place="Det Grønlandske Hus, København",
        interpreter_needed=True,
        interpreter_language="Grønlandsk (kalaallisut)",
        interpreter_name="Tolk Arnaq (demo)",
        interpreter_booked=True,
        agenda="1. Borgerens ønsker\n2. Bolig\n3. Læge og sundhed\n4. Næste skridt",
        created_by=coordinator,
    )
    meeting.participants.set([u for u in (coordinator, caseworker, volunteer) if u is not None])
    add_timeline(
        case=case,
        kind="meeting",
        actor=coordinator,
        summary="Netværksmøde planlagt med tolk",
        obj=meeting,
    )


# The demo citizen's network: (name, relation, kind, ring in version 1, ring now, wants involved).
NETWORK_PEOPLE = [
    ("Kusine Paninnguaq (demo)", "kusine", "family", 1, 1, True),
    ("Bror Malik (demo)", "bror i Nuuk", "family", 3, 2, False),
    ("Ven fra værestedet (demo)", "ven", "friends", 2, 1, False),
    ("Egen læge (demo)", "praktiserende læge", "professional", 3, 3, True),
    ("Boligsocial medarbejder (demo)", "boligselskabet", "professional", 2, 2, True),
]


def _network_map(case, *, coordinator, volunteer, organisation):
    """Two versions of the map, agreed with the citizen through an interpreter, so the compare
    page, the print and Mit forløb have something to show."""
    if NetworkPerson.objects.filter(case=case).exists():
        return
    people = {}
    for name, relation, kind, first_ring, _now, wanted in NETWORK_PEOPLE:
        people[name] = network.add_person(
            actor=coordinator,
            case=case,
            name=name,
            relation=relation,
            kind=kind,
            ring=first_ring,
            wants_involved=wanted,
            how_to_reach="Via tovholderen",
        )
    network.record_version(
        actor=coordinator,
        case=case,
        citizen_participation=PlanAcceptance.CitizenParticipation.INTERPRETER,
        interpreter_name="Tolk Arnaq (demo)",
        participants=[coordinator],
    )
    for name, _relation, _kind, first_ring, ring_now, _wanted in NETWORK_PEOPLE:
        if ring_now != first_ring:
            network.update_person(actor=coordinator, person=people[name], ring=ring_now)
    if volunteer is not None:
        helper = network.add_person(
            actor=coordinator,
            case=case,
            name=volunteer.full_name or "Frivillig (demo)",
            relation="følger borgeren til lægen",
            kind=NetworkPerson.Kind.VOLUNTEER,
            ring=NetworkPerson.Ring.CLOSE,
            wants_involved=True,
            user=volunteer,
            organisation=organisation,
        )
        # The volunteer already takes part in the case (added above): the map shows it.
        taking_part = Participant.objects.filter(case=case, user=volunteer, active=True).first()
        NetworkPerson.objects.filter(pk=helper.pk).update(participant=taking_part)
    network.record_version(
        actor=coordinator,
        case=case,
        citizen_participation=PlanAcceptance.CitizenParticipation.PRESENT,
        participants=[coordinator],
        others_present="Kusine Paninnguaq",
    )


def _plan_and_decision(case, *, coordinator, caseworker):
    if not PlanVersion.objects.filter(plan__case=case).exists():
        version = new_plan_version(actor=coordinator, case=case)
        version = save_plan_version(
            actor=coordinator,
            version=version,
            lock_version=version.lock_version,
            purpose="Egen bolig og en fast læge inden for et halvt år.",
            efforts="Boligsocial hjælp, bostøtte, følgeskab til læge.",
            expected_duration="6 måneder",
            other_matters="Borgeren ønsker tolk til alle møder.",
            goals=[
                {"text": "Jeg vil have min egen lejlighed.", "who_helps": "Sofie (kommunen) og Nuka"},
                {"text": "Jeg vil have en læge, der forstår mig.", "who_helps": "Aviaja følger med"},
            ],
        )
        accept_plan_version(
            actor=coordinator,
            version=version,
            citizen_participation=PlanAcceptance.CitizenParticipation.INTERPRETER,
            participants=[coordinator, caseworker],
            interpreter_name="Tolk Arnaq (demo)",
        )
    if not Decision.objects.filter(case=case).exists():
        decision = Decision.objects.create(
            case=case,
            text="Der søges om bostøtte efter servicelovens § 85.",
            decided_by="Sofie Lund (sagsbehandler) sammen med borgeren",
            citizen_involvement="Borgeren deltog på netværksmødet med tolk og ønskede selv bostøtte.",
            shared_with_citizen=True,
            recorded_by=caseworker,
        )
        add_timeline(
            case=case,
            kind="decision",
            actor=caseworker,
            summary="Beslutning: der søges om bostøtte",
            obj=decision,
        )
