"""The visibility rule agrees with the consent check of the services: staff of the case's own
municipality's municipal organisations take part without consent and then see the case; staff
of another organisation need a consent, and lose the case when it ends."""

import pytest
from django.urls import reverse

from borgerforloeb.models import Case
from borgerforloeb.services.cases import assign_coordinator
from core.roles import Role
from samarbejde.models import Organisation
from tests.case_factories import make_case, make_citizen, make_org


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_municipal_coordinator_without_consent_sees_their_case(client, municipality, organisation, make_user):
    caseworker = make_user(role=Role.CASEWORKER, organisation=organisation)
    municipal_coordinator = make_user(role=Role.COORDINATOR, organisation=organisation)
    case = make_case(municipality, actor=caseworker, citizen=make_citizen(municipality, actor=caseworker))
    # The service lets municipal staff in without consent ...
    assign_coordinator(actor=caseworker, case=case, person=municipal_coordinator)
    # ... so the rule must let them see the case.
    assert list(Case.objects.visible_to(municipal_coordinator)) == [case]
    client.force_login(municipal_coordinator)
    assert client.get(reverse("borgerforloeb:case_detail", args=[case.pk])).status_code == 200


@pytest.mark.django_db
def test_other_municipality_staff_still_need_consent(
    municipality, other_municipality, organisation, make_user
):
    caseworker = make_user(role=Role.CASEWORKER, organisation=organisation)
    odense = make_org(other_municipality, kind=Organisation.Kind.MUNICIPAL, name="Odense Kommune")
    odense_coordinator = make_user(role=Role.COORDINATOR, organisation=odense)
    voluntary_member = make_user(role=Role.VOLUNTEER, organisation=make_org(municipality))
    case = make_case(municipality, actor=caseworker, citizen=make_citizen(municipality, actor=caseworker))
    for user in (odense_coordinator, voluntary_member):
        # A participant row without consent (as if the consent had ended): no access.
        case.participants.create(user=user, role="contact")
        assert not Case.objects.visible_to(user).exists()
