"""The citizen's network map (netværkskort): the people around the citizen, versions agreed with
the citizen, the step from a person on the map to a participant of the case, and the map's data
and SVG for pages and printable forms.

For a printable form: ``current_map(case)`` gives the people (with ``entries`` for a table) and
``render_svg(network_map)`` the drawing; ``version_map(version)`` does the same for a recorded
version. The caller has already loaded ``case`` through the visibility rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from borgerforloeb.models import (
    Case,
    Consent,
    NetworkMapVersion,
    NetworkPerson,
    Participant,
    PlanAcceptance,
    TimelineEvent,
)
from borgerforloeb.network_svg import Node
from borgerforloeb.network_svg import render_svg as draw
from borgerforloeb.services.events import acting_user, plain_values, record_case_event, snapshot
from borgerforloeb.services.participants import add_participant
from core import audit
from core.models import AuditEvent

PERSON_FIELDS = [
    "name",
    "relation",
    "kind",
    "ring",
    "note",
    "how_to_reach",
    "wants_involved",
    "user",
    "organisation",
]
# Kinds that may become participants of the case, and the role they get.
PARTICIPANT_ROLES = {
    NetworkPerson.Kind.PROFESSIONAL: Participant.Role.CONTACT,
    NetworkPerson.Kind.VOLUNTEER: Participant.Role.VOLUNTEER,
}


@dataclass(frozen=True)
class Entry:
    """One person as the map, the table and a version's snapshot show them."""

    id: int
    name: str
    relation: str
    kind: str
    ring: int
    how_to_reach: str
    wants_involved: bool
    covered: bool
    participant: bool
    note: str = ""

    @property
    def kind_label(self) -> str:
        return str(dict(NetworkPerson.Kind.choices).get(self.kind, self.kind))

    @property
    def ring_label(self) -> str:
        return str(dict(NetworkPerson.Ring.choices).get(self.ring, self.ring))

    @property
    def can_become_participant(self) -> bool:
        return self.kind in PARTICIPANT_ROLES and not self.participant

    def as_snapshot(self) -> dict:
        return {name: getattr(self, name) for name in SNAPSHOT_FIELDS}


# A version's snapshot keeps all of an entry but the (internal) note.
SNAPSHOT_FIELDS = tuple(f.name for f in fields(Entry) if f.name != "note")
# What an entry says of its person as the person is now (besides the consent and participation).
PERSON_ENTRY_FIELDS = ("name", "relation", "kind", "ring", "how_to_reach", "wants_involved", "note")
# What the drawing shows of an entry, besides its number.
NODE_FIELDS = tuple(f.name for f in fields(Node) if f.name != "number")


@dataclass
class NetworkMap:
    """The people of a map in drawing order, numbered 1… as in the table beside the drawing."""

    case: Case
    entries: list[Entry] = field(default_factory=list)

    @property
    def nodes(self) -> list[Node]:
        return [
            Node(number=i, **{name: getattr(e, name) for name in NODE_FIELDS})
            for i, e in enumerate(self.entries, start=1)
        ]

    @property
    def numbered(self) -> list[tuple[int, Entry]]:
        return list(enumerate(self.entries, start=1))

    def count_in(self, ring: int) -> int:
        return sum(1 for e in self.entries if e.ring == ring)


def _order(entries) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.ring, e.kind, e.name.lower(), e.id))


def consent_cover(case: Case) -> tuple[set, set]:
    """(organisation ids, user ids) a valid consent of the case's citizen covers for this case."""
    valid = (
        Consent.objects.valid()
        .filter(citizen_id=case.citizen_id)
        .filter(Q(case__isnull=True) | Q(case=case))
        .values("pk")
    )
    organisations = set(
        Consent.organisations.through.objects.filter(consent__in=valid).values_list(
            "organisation_id", flat=True
        )
    )
    users = set(Consent.persons.through.objects.filter(consent__in=valid).values_list("user_id", flat=True))
    return organisations, users


def current_map(case: Case) -> NetworkMap:
    """The map as it is now (three queries whatever its size)."""
    organisations, users = consent_cover(case)
    people = NetworkPerson.objects.filter(case=case).select_related("participant")
    entries = [
        Entry(
            id=p.pk,
            **{name: getattr(p, name) for name in PERSON_ENTRY_FIELDS},
            covered=(p.user_id is not None and p.user_id in users)
            or (p.organisation_id is not None and p.organisation_id in organisations),
            participant=p.participant is not None and p.participant.active,
        )
        for p in people
    ]
    return NetworkMap(case=case, entries=_order(entries))


def version_map(version: NetworkMapVersion) -> NetworkMap:
    """The map as it was recorded in ``version`` (its snapshot)."""
    entries = [Entry(**{k: v for k, v in row.items() if k in SNAPSHOT_FIELDS}) for row in version.snapshot]
    return NetworkMap(case=version.case, entries=_order(entries))


def citizen_label(citizen) -> str:
    return citizen.preferred_name or (citizen.full_name.split(" ")[0] if citizen.full_name else "")


def render_svg(network_map: NetworkMap, *, id_prefix: str = "netmap", label: str | None = None) -> SafeString:
    """The map drawn as accessible SVG in the active language (title and description name the
    citizen and count the people in each ring)."""
    name = citizen_label(network_map.case.citizen) if label is None else label
    counts = {ring: network_map.count_in(ring) for ring in NetworkPerson.Ring.values}
    return draw(
        network_map.nodes,
        title=_("Netværkskort for %(name)s") % {"name": name},
        desc=_(
            "%(count)s personer: %(close)s tæt på, %(middle)s mellem og %(far)s længere væk. "
            "Tabellen ved siden af har de samme personer."
        )
        % {"count": len(network_map.entries), "close": counts[1], "middle": counts[2], "far": counts[3]},
        kinds=[(value, str(label)) for value, label in NetworkPerson.Kind.choices],
        rings=[(value, str(label)) for value, label in NetworkPerson.Ring.choices],
        citizen_label=name,
        id_prefix=id_prefix,
    )


# --- Comparing two versions ----------------------------------------------------------------------


@dataclass
class Comparison:
    closer: list[tuple[Entry, Entry]] = field(default_factory=list)  # (old, new)
    further: list[tuple[Entry, Entry]] = field(default_factory=list)
    joined: list[Entry] = field(default_factory=list)
    left: list[Entry] = field(default_factory=list)
    unchanged: list[Entry] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.closer or self.further or self.joined or self.left)


def compare(old: NetworkMap, new: NetworkMap) -> Comparison:
    """Who came closer, who moved further away, who joined and who left between two maps."""
    before = {e.id: e for e in old.entries}
    after = {e.id: e for e in new.entries}
    result = Comparison()
    for entry in new.entries:
        was = before.get(entry.id)
        if was is None:
            result.joined.append(entry)
        elif entry.ring < was.ring:
            result.closer.append((was, entry))
        elif entry.ring > was.ring:
            result.further.append((was, entry))
        else:
            result.unchanged.append(entry)
    result.left = [e for e in old.entries if e.id not in after]
    return result


# --- Writes --------------------------------------------------------------------------------------


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown network person fields: {sorted(unknown)}")


def add_person(*, actor, case: Case, request=None, **fields) -> NetworkPerson:
    _check_fields(fields)
    with transaction.atomic():
        person = NetworkPerson.objects.create(case=case, **fields)
        record_case_event(
            actor=actor,
            case=case,
            action=AuditEvent.Action.CREATE,
            obj=person,
            changes=audit.redact(audit.diff({}, plain_values(snapshot(person, PERSON_FIELDS)))),
            request=request,
            kind=TimelineEvent.Kind.NETWORK,
            summary=_("%(name)s blev sat på netværkskortet (%(ring)s)")
            % {"name": person.name, "ring": person.get_ring_display().lower()},
        )
    return person


def update_person(*, actor, person: NetworkPerson, request=None, **fields) -> NetworkPerson:
    _check_fields(fields)
    with transaction.atomic():
        person = NetworkPerson.objects.select_for_update().select_related("case").get(pk=person.pk)
        before = plain_values(snapshot(person, PERSON_FIELDS))
        for name, value in fields.items():
            setattr(person, name, value)
        person.save()
        changes = audit.diff(before, plain_values(snapshot(person, PERSON_FIELDS)))
        if changes:
            record_case_event(
                actor=actor,
                case=person.case,
                action=AuditEvent.Action.UPDATE,
                obj=person,
                changes=audit.redact(changes),
                request=request,
                kind=TimelineEvent.Kind.NETWORK,
                summary=_("%(name)s blev ændret på netværkskortet") % {"name": person.name},
            )
    return person


def remove_person(*, actor, person: NetworkPerson, request=None) -> None:
    with transaction.atomic():
        case = person.case
        record_case_event(
            actor=actor,
            case=case,
            action=AuditEvent.Action.DELETE,
            obj=person,
            changes={"name": [person.name, None]},
            request=request,
            kind=TimelineEvent.Kind.NETWORK,
            summary=_("%(name)s blev taget af netværkskortet") % {"name": person.name},
        )
        person.delete()


def make_participant(*, actor, person: NetworkPerson, request=None) -> Participant:
    """A professional or volunteer on the map becomes a participant of the case in one step,
    through the participants' own service (which checks that the citizen's consent covers them,
    exactly as when a participant is added by hand)."""
    with transaction.atomic():
        person = (
            NetworkPerson.objects.select_for_update(of=("self",))
            .select_related("case", "participant", "user", "organisation")
            .get(pk=person.pk)
        )
        role = PARTICIPANT_ROLES.get(person.kind)
        if role is None:
            raise ValidationError(
                _("Kun professionelle og frivillige kan blive deltagere i forløbet."), code="kind"
            )
        if person.participant is not None and person.participant.active:
            raise ValidationError(
                _("%(name)s deltager allerede i forløbet.") % {"name": person.name}, code="duplicate"
            )
        if not person.wants_involved:
            raise ValidationError(
                _("Borgeren ønsker ikke %(name)s inddraget. Ret det på kortet sammen med borgeren først.")
                % {"name": person.name},
                code="not_wanted",
            )
        participant = add_participant(
            actor=actor,
            case=person.case,
            role=role,
            user=person.user,
            name="" if person.user is not None else person.name,
            organisation=person.organisation,
            responsibility=person.relation,
            request=request,
        )
        person.participant = participant
        person.save(update_fields=["participant", "updated_at"])
    return participant


def record_version(
    *,
    actor,
    case: Case,
    citizen_participation: str,
    interpreter_name: str = "",
    participants=(),
    others_present: str = "",
    note: str = "",
    held_on=None,
    request=None,
) -> NetworkMapVersion:
    """Record the map as it is now, agreed with the citizen: when, who took part and how."""
    if citizen_participation not in PlanAcceptance.CitizenParticipation.values:
        raise ValidationError(
            {"citizen_participation": _("Angiv hvordan borgeren deltog.")}, code="citizen_participation"
        )
    if (
        citizen_participation == PlanAcceptance.CitizenParticipation.INTERPRETER
        and not interpreter_name.strip()
    ):
        raise ValidationError(
            {"interpreter_name": _("Skriv tolkens navn, når borgeren deltog med tolk.")}, code="interpreter"
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("citizen").get(pk=case.pk)
        number = (NetworkMapVersion.objects.filter(case=case).aggregate(n=Max("number"))["n"] or 0) + 1
        version = NetworkMapVersion.objects.create(
            case=case,
            number=number,
            held_on=held_on or timezone.localdate(),
            citizen_participation=citizen_participation,
            interpreter_name=interpreter_name.strip(),
            others_present=others_present,
            note=note,
            snapshot=[e.as_snapshot() for e in current_map(case).entries],
            recorded_by=acting_user(actor),
        )
        version.participants.set(participants)
        record_case_event(
            actor=actor,
            case=case,
            action=AuditEvent.Action.CREATE,
            obj=version,
            changes={"number": [None, number], "citizen_participation": [None, citizen_participation]},
            request=request,
            kind=TimelineEvent.Kind.NETWORK,
            summary=_("Netværkskortet version %(number)s lavet med borgeren (%(how)s)")
            % {"number": number, "how": version.get_citizen_participation_display().lower()},
        )
    return version
