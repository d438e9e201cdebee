"""Who may do what on a case the user can already see (visibility itself: ``visible_to``).

A case the user may not see is a 404 before any of these is asked; a visible case where the
action is not allowed is a 403.
"""

from __future__ import annotations

from borgerforloeb.models import Case, CoordinatorAssignment, Task, caseworker_municipalities
from core.audit import audited_read
from core.roles import Role


def is_case_caseworker(user, case: Case) -> bool:
    """A caseworker of the case's municipality (municipal scope)."""
    if not user.has_role(Role.CASEWORKER):
        return False
    return caseworker_municipalities(user).filter(municipality_id=case.municipality_id).exists()


def is_active_coordinator(user, case: Case) -> bool:
    return CoordinatorAssignment.objects.filter(case=case, person=user, ended_at__isnull=True).exists()


def can_create_citizen(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.CASEWORKER))


def can_manage_case(user, case: Case) -> bool:
    """Assign/hand over the coordinator, manage participants, close the case, see CPR.

    Asked several times while one page renders, so the answer is kept on the case object (which
    lives for one request) per user.
    """
    answers = case.__dict__.setdefault("_can_manage", {})
    if user.pk not in answers:
        answers[user.pk] = (
            user.is_superuser or is_case_caseworker(user, case) or is_active_coordinator(user, case)
        )
    return answers[user.pk]


def can_see_cpr(user, case: Case | None = None, *, citizen=None) -> bool:
    """On a case: who manages it. On a citizen page: the citizen's municipality's caseworkers
    (a caseworker from elsewhere who sees the citizen through a case never gets the CPR)."""
    if case is not None:
        return can_manage_case(user, case)
    if user.is_superuser:
        return True
    if citizen is None or not user.has_role(Role.CASEWORKER):
        return False
    return caseworker_municipalities(user).filter(municipality_id=citizen.municipality_id).exists()


def can_add_task(user, case: Case) -> bool:
    """Anyone who can see the case may agree a task in it."""
    return True


def can_complete_task(user, task: Task) -> bool:
    return task.responsible_id == user.pk or can_manage_case(user, task.case)


# What a page of a case or citizen reads, for the read audit (``core.audit.audited_read``): every
# view that shows case or citizen data carries one of these, or an ``audited_read`` naming the
# object in its URL (a meeting, an effort). tests/test_read_audit.py fails for a page without it.
reads_case = audited_read("borgerforloeb.case", case_kwarg="pk")
reads_citizen = audited_read("borgerforloeb.citizen")
