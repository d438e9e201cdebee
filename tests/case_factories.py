"""Small builders for citizen-case tests. They go through the real services where it matters."""

from __future__ import annotations

import itertools
from datetime import date

from borgerforloeb.models import Consent
from borgerforloeb.services.cases import open_case
from borgerforloeb.services.citizens import create_citizen
from borgerforloeb.services.consents import record_consent
from samarbejde.models import Organisation

_counter = itertools.count(1)


def make_org(municipality, *, kind=Organisation.Kind.VOLUNTARY, name=None) -> Organisation:
    return Organisation.objects.create(
        name=name or f"Organisation {next(_counter)}", municipality=municipality, kind=kind
    )


def make_citizen(municipality, *, actor=None, full_name=None, **fields):
    return create_citizen(
        actor=actor,
        municipality=municipality,
        full_name=full_name or f"Aputsiaq Testsen {next(_counter)}",
        **fields,
    )


def make_consent(citizen, *, organisations=(), persons=(), case=None, actor=None, **fields) -> Consent:
    fields.setdefault("text_shown", "Jeg giver samtykke til, at oplysninger deles med de nævnte.")
    fields.setdefault("given_how", Consent.GivenHow.SIGNED)
    fields.setdefault("information_kinds", [Consent.InformationKind.BASIC, Consent.InformationKind.SITUATION])
    return record_consent(
        actor=actor, citizen=citizen, organisations=organisations, persons=persons, case=case, **fields
    )


def make_case(
    municipality,
    *,
    actor=None,
    citizen=None,
    coordinator=None,
    coordinator_org=None,
    consent_orgs=None,
    summary="Borgeren ønsker hjælp til bolig og kontakt til familien.",
    start_date: date | None = None,
):
    """A case; when ``coordinator`` is given, consent for their organisation is recorded first."""
    citizen = citizen or make_citizen(municipality, actor=actor)
    if consent_orgs is None:
        consent_orgs = [coordinator_org] if coordinator_org is not None else []
    if consent_orgs:
        make_consent(citizen, organisations=consent_orgs, actor=actor)
    return open_case(
        actor=actor,
        citizen=citizen,
        municipality=municipality,
        summary=summary,
        start_date=start_date,
        coordinator=coordinator,
        coordinator_organisation=coordinator_org,
    )
