"""Access checks for things that leave the portal's pages: reminders name the citizen, so they
may only reach people who can see the case at the moment they are created."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.contrib.auth import get_user_model

from borgerforloeb.models import Case

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CHUNK = 2000


def case_id_of(candidate) -> str | None:
    """The case a reminder is about: the case id in its link (``/forloeb/<case id>/...``)."""
    match = UUID_RE.search(candidate.url or "")
    return match.group(0) if match else None


def visible_candidates(candidates: Iterable) -> Iterator:
    """Keep the reminders whose recipient can see the case (``Case.objects.visible_to``).

    Drops e.g. a volunteer's task reminder once the consent covering them is withdrawn or has
    expired. Reminders without a case link pass through. Queries: per chunk, one for the users
    and one per distinct recipient.
    """
    User = get_user_model()
    it = iter(candidates)
    while chunk := list(islice(it, CHUNK)):
        cases_by_user = defaultdict(set)
        for candidate in chunk:
            case_id = case_id_of(candidate)
            if case_id is not None:
                cases_by_user[str(candidate.recipient_id)].add(case_id)
        users = {str(pk): user for pk, user in User.objects.in_bulk(list(cases_by_user)).items()}
        visible = {}
        for user_id, case_ids in cases_by_user.items():
            user = users.get(user_id)
            ids = (
                Case.objects.visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True)
                if user
                else []
            )
            visible[user_id] = {str(pk) for pk in ids}
        for candidate in chunk:
            case_id = case_id_of(candidate)
            if case_id is None or case_id in visible.get(str(candidate.recipient_id), ()):
                yield candidate
