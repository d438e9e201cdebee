"""The shared fixture world: who is who in most tests, built once here.

Like healthchecks' alice/bob/charlie, each person has one job in every test that uses them:

- ``municipality`` (Aarhus) with its municipal ``organisation``, the voluntary organisation
  ``voluntary`` (covered by the citizen's consent) and ``uncovered`` (not covered);
  ``other_municipality`` (Odense) with its municipal organisation ``odense``.
- In Aarhus: ``caseworker`` and ``administrator`` (municipal organisation), ``coordinator``
  (``voluntary``) and ``volunteer`` (``uncovered``). The same four in Odense, prefixed
  ``odense_``; ``outsider`` is Odense's caseworker.
- ``citizen`` of Aarhus with a ``case`` whose coordinator is ``coordinator``, after the citizen's
  ``consent`` to share with ``voluntary``. Nobody else takes part in the case yet.

A module changes people's or organisations' details, the citizen's or the case's through
``world_options`` (see :func:`build_world`) and adds what only it needs in a small fixture of its
own on top.
"""

from __future__ import annotations

from types import SimpleNamespace

from core.roles import Role
from samarbejde.models import Organisation
from tests.case_factories import make_case, make_citizen, make_org

#: Full names of the people.
NAMES = {
    "caseworker": "Sofie Sagsbehandler",
    "coordinator": "Tove Tovholder",
    "volunteer": "Frida Frivillig",
    "administrator": "Aksel Administrator",
    "odense_caseworker": "Ole Odense",
    "odense_coordinator": "Otto Odense",
    "odense_volunteer": "Olga Odense",
    "odense_administrator": "Oda Odense",
}

ORGANISATIONS = {
    "voluntary": "Foreningen Kalaallit",
    "uncovered": "Frivilligcenter Aarhus",
    "odense": "Odense Kommune",
    "odense_voluntary": "Foreningen Kalaallit Odense",
}

CITIZEN = {"full_name": "Naja Rosing Kleist", "cpr": "070761-4005"}


def build_world(
    *,
    municipality,
    other_municipality,
    organisation,
    make_user,
    people=None,
    organisations=None,
    citizen=None,
    case=None,
) -> SimpleNamespace:
    """Build the world. The options change its defaults: ``people`` maps a person's key to extra
    fields of that user (``{"coordinator": {"full_name": ..., "phone": ...}}``), ``organisations``
    an organisation's key to its name; ``citizen`` and ``case`` are extra keyword arguments for
    ``make_citizen`` and ``make_case``."""
    people = people or {}
    org_names = {**ORGANISATIONS, **(organisations or {})}
    w = SimpleNamespace(municipality=municipality, other_municipality=other_municipality)
    w.organisation = organisation
    w.voluntary = make_org(municipality, name=org_names["voluntary"])
    w.uncovered = make_org(municipality, name=org_names["uncovered"])
    w.odense = make_org(other_municipality, kind=Organisation.Kind.MUNICIPAL, name=org_names["odense"])
    w.odense_voluntary = make_org(other_municipality, name=org_names["odense_voluntary"])

    def person(key, role, org):
        return make_user(role=role, organisation=org, **{"full_name": NAMES[key], **people.get(key, {})})

    w.caseworker = person("caseworker", Role.CASEWORKER, organisation)
    w.coordinator = person("coordinator", Role.COORDINATOR, w.voluntary)
    w.volunteer = person("volunteer", Role.VOLUNTEER, w.uncovered)
    w.administrator = person("administrator", Role.ADMINISTRATOR, organisation)
    w.odense_caseworker = person("odense_caseworker", Role.CASEWORKER, w.odense)
    w.odense_coordinator = person("odense_coordinator", Role.COORDINATOR, w.odense_voluntary)
    w.odense_volunteer = person("odense_volunteer", Role.VOLUNTEER, w.odense_voluntary)
    w.odense_administrator = person("odense_administrator", Role.ADMINISTRATOR, w.odense)
    w.outsider = w.odense_caseworker

    w.citizen = make_citizen(municipality, actor=w.caseworker, **{**CITIZEN, **(citizen or {})})
    w.case = make_case(
        municipality,
        actor=w.caseworker,
        citizen=w.citizen,
        coordinator=w.coordinator,
        coordinator_org=w.voluntary,
        **(case or {}),
    )
    w.consent = w.citizen.consents.get()
    return w
