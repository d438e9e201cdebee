"""Who may do what on a case the user can already see (visibility itself: ``visible_to``).

A case the user may not see is a 404 before any of these is asked; a visible case where the
action is not allowed is a 403.
"""

from __future__ import annotations

from borgerforloeb.models import Case, CoordinatorAssignment, Task, caseworker_municipalities
from core.audit import audited_read
from core.roles import Role
from samarbejde.models import Organisation


def remember(user, obj, **facts) -> None:
    """Keep answers already read (e.g. by the case page's one statement) on ``obj``, which lives
    for one request, so that the rules below do not ask the database again."""
    known = obj.__dict__.setdefault("_access_facts", {})
    known.update({(user.pk, name): value for name, value in facts.items()})


def _known(user, obj, name: str, ask) -> bool:
    """A fact ``remember``ed for this request, else asked now. Answers asked here are not kept:
    the object may outlive a change to what they depend on (an archived organisation, a new
    coordinator), and a stale "yes" would be a leak."""
    known = obj.__dict__.get("_access_facts", {})
    if (user.pk, name) in known:
        return known[(user.pk, name)]
    return bool(ask())


def has_caseworker_role(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.has_role(Role.CASEWORKER)
    )


def is_municipal_caseworker(user, municipality_id) -> bool:
    """THE "municipal staff" predicate: a caseworker with a membership in an active municipal
    organisation of ``municipality_id``. Every rule below that speaks of the caseworkers of a
    case's or a citizen's municipality asks this."""
    if not has_caseworker_role(user):
        return False
    return caseworker_municipalities(user).filter(municipality_id=municipality_id).exists()


def is_municipal_of_case(case: Case, organisation) -> bool:
    """``organisation`` is a municipal organisation of the case's own municipality: its staff
    take part in the case without the citizen's consent (everyone else needs one)."""
    return (
        organisation is not None
        and organisation.kind == Organisation.Kind.MUNICIPAL
        and organisation.municipality_id == case.municipality_id
    )


def is_case_caseworker(user, case: Case) -> bool:
    """A caseworker of the case's municipality (municipal scope)."""
    return _known(user, case, "case_caseworker", lambda: is_municipal_caseworker(user, case.municipality_id))


def is_citizen_caseworker(user, citizen) -> bool:
    """A caseworker of the citizen's own municipality (or a superuser).

    Someone who sees the citizen only by taking part in a case under consent, a caseworker of
    another municipality included, is not: they may not edit the citizen, open a case for the
    citizen, see the CPR number on the citizen page or export the citizen's data. The citizen's
    municipality changes only through a consented transfer between municipalities, never here.
    """
    return bool(user.is_superuser and user.is_active) or _known(
        user, citizen, "citizen_caseworker", lambda: is_municipal_caseworker(user, citizen.municipality_id)
    )


def can_edit_citizen(user, citizen) -> bool:
    return is_citizen_caseworker(user, citizen)


def can_open_case_for(user, citizen) -> bool:
    return is_citizen_caseworker(user, citizen)


def is_active_coordinator(user, case: Case) -> bool:
    return _known(
        user,
        case,
        "active_coordinator",
        lambda: CoordinatorAssignment.objects.active().filter(case=case, person=user).exists(),
    )


def can_see_case(user, case: Case) -> bool:
    """The visibility rule (``Case.objects.visible_to``) asked of one case already loaded."""
    return _known(user, case, "visible", lambda: Case.objects.visible_to(user).filter(pk=case.pk).exists())


def can_create_citizen(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.CASEWORKER))


def can_manage_case(user, case: Case) -> bool:
    """Assign/hand over the coordinator, manage participants, close the case, see CPR.

    Asked several times while one page renders, so the facts it rests on are kept on the case
    object (which lives for one request) per user.
    """
    return user.is_superuser or is_case_caseworker(user, case) or is_active_coordinator(user, case)


def can_see_cpr(user, case: Case | None = None, *, citizen=None) -> bool:
    """On a case: who manages it. On a citizen page: the citizen's municipality's caseworkers
    (a caseworker from elsewhere who sees the citizen through a case never gets the CPR)."""
    if case is not None:
        return can_manage_case(user, case)
    return citizen is not None and is_citizen_caseworker(user, citizen)


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


def can_invite_citizen(user, case: Case) -> bool:
    """Invite the citizen to Mit forløb: the case's active coordinator and the caseworkers of the
    citizen's own municipality, not every participant or caseworker who can see the case."""
    return is_active_coordinator(user, case) or is_citizen_caseworker(user, case.citizen)


def can_see_access_log(user, case: Case) -> bool:
    """The case's municipal caseworkers and its active coordinator (not every participant)."""
    return can_manage_case(user, case)


def can_export_citizen(user, citizen) -> bool:
    """An access request is answered by the citizen's municipality: whoever may see the citizen's
    CPR number on the citizen page (its caseworkers) may export the citizen's data."""
    return can_see_cpr(user, citizen=citizen)


# --- Transfers between municipalities (services/transfers.py) -----------------------------------


def can_start_transfer(user, case: Case) -> bool:
    """The case's active coordinator or a caseworker of its (sending) municipality, on a case that
    is not closed."""
    if case.status == Case.Status.CLOSED:
        return False
    return bool(user.is_superuser and user.is_active) or (
        is_case_caseworker(user, case) or is_active_coordinator(user, case)
    )


def can_answer_transfer(user, transfer) -> bool:
    """Accept or decline: a caseworker of the receiving municipality, while the transfer is open."""
    return transfer.status == transfer.Status.PENDING and is_municipal_caseworker(
        user, transfer.to_municipality_id
    )


def can_withdraw_transfer(user, transfer) -> bool:
    """Withdraw: the sending side (who may start a transfer of the case), while it is open."""
    return transfer.status == transfer.Status.PENDING and (
        can_start_transfer(user, transfer.case) or transfer.started_by_id == user.pk
    )


def can_see_transfer_archive(user, transfer) -> bool:
    """What was not handed over stays with the sending municipality's caseworkers."""
    return bool(user.is_superuser and user.is_active) or is_municipal_caseworker(
        user, transfer.from_municipality_id
    )
