"""Reviewing translations in the browser (django-rosetta at /oversaettelser/, core/translation_review.py):
superusers and the translation reviewers' group only, CSRF on, each change audited, and a
kalaallisut entry keeps its request for a fluent speaker's review."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import polib
import pytest
import rosetta.views
from django.contrib.auth.models import Group
from django.test import Client

from core.models import AuditEvent
from core.roles import Role
from core.translation_review import TRANSLATION_REVIEWERS

LOCALE = Path(__file__).resolve().parent.parent / "locale"
KL_FORM = "/oversaettelser/files/project/kl/0/"
MSGID = "Hent som PDF"


@pytest.fixture
def reviewer(make_user, organisation):
    user = make_user(role=Role.CASEWORKER, organisation=organisation)
    user.groups.add(Group.objects.get(name=TRANSLATION_REVIEWERS))
    return user


@pytest.fixture
def kl_copy(tmp_path, monkeypatch):
    """Rosetta works on a copy of the kalaallisut catalogue, never on the project's own file."""
    po = tmp_path / "kl" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    shutil.copy(LOCALE / "kl" / "LC_MESSAGES" / "django.po", po)
    monkeypatch.setattr(rosetta.views, "find_pos", lambda lang, **kwargs: [str(po)] if lang == "kl" else [])
    return po


@pytest.mark.parametrize("role", [None, Role.CASEWORKER, Role.COORDINATOR, Role.ADMINISTRATOR])
def test_only_superusers_and_reviewers_may_open_it(client, make_user, organisation, kl_copy, role):
    if role is not None:
        client.force_login(make_user(role=role, organisation=organisation))
    for url in ("/oversaettelser/files/project/", KL_FORM):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/login/" in response["Location"], (role, url)


def test_a_reviewer_and_a_superuser_see_the_kalaallisut_catalogue(client, reviewer, make_user, kl_copy):
    superuser = make_user(is_superuser=True, is_staff=True)
    for user in (reviewer, superuser):
        client.force_login(user)
        assert client.get("/oversaettelser/files/project/").status_code == 200
        response = client.get(KL_FORM, {"query": MSGID})
        assert response.status_code == 200 and MSGID in response.content.decode()


def _field(po_path: Path, msgid: str) -> str:
    entry = polib.pofile(str(po_path)).find(msgid)
    key = (entry.msgid + entry.msgstr + (entry.msgctxt or "")).encode()
    return "m_" + hashlib.md5(key, usedforsecurity=False).hexdigest()  # rosetta's field name


def test_a_change_is_saved_audited_and_keeps_the_review_comment(reviewer, kl_copy):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    page = client.get(KL_FORM, {"query": MSGID})
    field = _field(kl_copy, MSGID)
    assert field in page.content.decode()
    # Without the CSRF token nothing is written.
    assert client.post(KL_FORM + f"?query={MSGID}", {field: "PDF-tut aajuk"}).status_code == 403
    assert polib.pofile(str(kl_copy)).find(MSGID).msgstr != "PDF-tut aajuk"

    token = (
        page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    )
    response = client.post(
        KL_FORM + f"?query={MSGID}", {field: "PDF-tut aajuk", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    entry = polib.pofile(str(kl_copy)).find(MSGID)
    assert entry.msgstr == "PDF-tut aajuk"
    assert "Needs review by a fluent kalaallisut speaker" in entry.tcomment
    event = AuditEvent.objects.get(object_type="locale.translation")
    assert (event.actor, event.action, event.object_id, event.object_repr) == (
        reviewer,
        AuditEvent.Action.UPDATE,
        "kl",
        MSGID,
    )
    assert event.changes["msgstr"][1] == "PDF-tut aajuk"
