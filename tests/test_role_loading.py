"""The signed-in user's roles come with the user, in the same query, on every request."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role


def page_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_the_roles_are_read_with_the_user(client, make_user):
    client.force_login(make_user(role=Role.CASEWORKER))
    queries = page_queries(client, reverse("borgerforloeb:my_tasks"))
    role_reads = [sql for sql in queries if "auth_group" in sql and "core_user_groups" in sql]
    assert len(role_reads) == 1, queries
    assert '"core_user"."email"' in role_reads[0]  # the user itself, not a second query


def test_roles_given_later_count_from_the_next_request(client, make_user):
    from django.contrib.auth.models import Group

    user = make_user()
    client.force_login(user)
    assert client.get(reverse("borgerforloeb:citizen_create")).status_code in (403, 404)
    user.groups.add(Group.objects.get(name=Role.CASEWORKER.value))
    assert client.get(reverse("borgerforloeb:citizen_create")).status_code == 200
