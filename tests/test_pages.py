"""A list page in one statement, compiled once per (user, list, day): the count and the rows come
from the data on every request, pages out of range show the nearest page, and the rows carry what
the template shows without asking the database again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import pages
from tests.case_factories import make_case, make_citizen

pytestmark = pytest.mark.django_db
URL = reverse("borgerforloeb:my_cases")


def test_my_cases_is_one_statement_compiled_once_that_still_reads_new_cases(client, world):
    client.force_login(world.coordinator)
    client.get(URL)
    key = next(k for k in pages._COMPILED if k[0] == "my_cases" and k[1][0] == world.coordinator.pk)
    statement = pages._COMPILED[key]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    case_reads = [
        q
        for q in ctx.captured_queries
        if '"borgerforloeb_case"' in q["sql"] and "todo_visible" not in q["sql"]
    ]
    assert len(case_reads) == 1  # the count and the page together
    assert pages._COMPILED[key] is statement  # not compiled again
    row = response.context["cases"][0]
    assert row.pk == world.case.pk and row.coordinator_name == world.coordinator.full_name
    assert row.citizen.display_name in response.content.decode()

    citizen = make_citizen(world.municipality, full_name="Aviaja Ny")
    make_case(
        world.municipality, citizen=citizen, coordinator=world.coordinator, coordinator_org=world.voluntary
    )
    response = client.get(URL)
    assert response.context["page"].paginator.count == 2
    assert "Aviaja Ny" in response.content.decode()


def test_a_page_out_of_range_shows_the_last_page(client, world):
    client.force_login(world.coordinator)
    for number in ("999", "x", "-3"):
        response = client.get(URL, {"side": number})
        assert response.status_code == 200
        assert [case.pk for case in response.context["cases"]] == [world.case.pk]
        assert response.context["page"].number == 1


def test_the_case_page_is_compiled_once_and_bound_to_each_case(client, world):
    other = make_case(
        world.municipality,
        citizen=make_citizen(world.municipality, full_name="Naja Anden"),
        coordinator=world.coordinator,
        coordinator_org=world.voluntary,
    )
    client.force_login(world.coordinator)
    first = client.get(reverse("borgerforloeb:case_detail", args=[world.case.pk]))
    statements = [k for k in pages._COMPILED if k[0] == "case_page" and k[1][0] == world.coordinator.pk]
    second = client.get(reverse("borgerforloeb:case_detail", args=[other.pk]))
    assert [
        k for k in pages._COMPILED if k[0] == "case_page" and k[1][0] == world.coordinator.pk
    ] == statements
    assert first.context["case"].pk == world.case.pk and second.context["case"].pk == other.pk
    assert "Naja Anden" in second.content.decode() and "Naja Anden" not in first.content.decode()
    client.force_login(world.outsider)  # compiled for another user: still the visibility rule
    assert client.get(reverse("borgerforloeb:case_detail", args=[other.pk])).status_code == 404


def test_a_placeholder_must_be_a_parameter_of_the_statement():
    import uuid

    mark = uuid.uuid4()
    assert pages.bind(("a", mark, [1, 2]), {mark: "b"}) == ("a", "b", [1, 2])
    with pytest.raises(ValueError, match="placeholder"):
        pages.placeholders_bound("SELECT 1 WHERE id = %s", ("other",), [mark])
    with pytest.raises(ValueError, match="placeholder"):
        pages.placeholders_bound(f"SELECT 1 WHERE id = '{mark}'", (mark,), [mark])
    pages.placeholders_bound("SELECT 1 WHERE id = %s", (mark,), [mark])
