"""Offers that fit the citizen of a case, ranked, each with the reasons it was suggested.

One query for the offers (their target groups resolved inside it), whatever the directory's size:
only offers in the citizen's municipality or for one of the citizen's target groups are scored,
and the best few are returned. The score (``WEIGHTS``) is explained on the page (``EXPLANATION``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, ExpressionWrapper, IntegerField, OuterRef, Q, Value, When
from django.db.models import Case as SqlCase
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from borgerforloeb.models import Case, Effort, Language
from tilbud import picker
from tilbud.answers import answer
from tilbud.models import Offer, TargetGroup, open_condition

LIMIT = 5
# The citizen's target group codes that are named differently in the directory's vocabulary.
TARGET_GROUP_CODES = {"psykisk_saarbarhed": "psykisk-saarbare"}
WEIGHTS = {
    "greenlandic": 4,
    "interpreter": 3,
    "target_group": 3,
    "municipality": 2,
    "open_now": 1,
    "vacant": 1,
}
EXPLANATION = gettext_lazy(
    "Forslagene er tilbud i borgerens kommune eller for borgerens målgrupper. De står efter, hvor godt "
    "de passer: grønlandsktalende personale, når borgeren foretrækker grønlandsk, tæller mest, så tolk, "
    "når borgeren ønsker tolk, og fælles målgrupper, derefter at tilbuddet er i kommunen, og til sidst "
    "at det har åbent nu og har ledige pladser. Tilbud, forløbet allerede har en indsats hos, er udeladt."
)


@dataclass
class Suggestion:
    offer: Offer
    score: int
    reasons: list[str] = field(default_factory=list)


def _flag(condition, applies: bool = True):
    if not applies:
        return Value(False, output_field=BooleanField())
    return ExpressionWrapper(condition, output_field=BooleanField())


def _one_if(lookup: dict):
    return SqlCase(When(**lookup, then=Value(1)), default=Value(0), output_field=IntegerField())


def suggestions_for(case: Case, user, *, limit: int = LIMIT) -> list[Suggestion]:
    """The best ``limit`` offers for the case's citizen, except those the case already has an
    effort with: a directory answer (``tilbud/answers.py``), cached until the directory changes
    for citizens alike in what the ranking reads."""
    citizen = case.citizen
    now = timezone.now()
    used = sorted(
        str(pk)
        for pk in Effort.objects.filter(case=case, offer__isnull=False).values_list("offer_id", flat=True)
    )
    question = (
        "suggestions",
        citizen.municipality_id,
        tuple(sorted(citizen.target_groups)),
        citizen.preferred_language == Language.GREENLANDIC,
        citizen.interpreter_wanted,
        tuple(used),
        limit,
        get_language(),
    )
    signed_in = user.is_authenticated and user.is_active
    return answer(
        question, partial(_ranked, citizen, used, user, now, limit), signed_in=signed_in, moment=now
    )


def _ranked(citizen, used: list[str], user, now, limit: int) -> list[Suggestion]:
    """The ranking, in one query: the candidates are ranked on the offers' own columns and
    denormalised arrays (GIN-indexed), and the names of the shared target groups are looked up
    only for the few returned."""
    codes = [TARGET_GROUP_CODES.get(code, code) for code in citizen.target_groups]
    group_ids = ArraySubquery(TargetGroup.objects.filter(code__in=codes).values("pk"))
    in_municipality = Q(municipality_ids__contains=[citizen.municipality_id])
    shares_group = Q(target_group_ids__overlap=group_ids) if codes else None
    candidates = in_municipality | shares_group if codes else in_municipality
    flags = {
        "m_greenlandic": _flag(
            Q(greenlandic_speaking_staff=True), citizen.preferred_language == Language.GREENLANDIC
        ),
        "m_interpreter": _flag(Q(interpreter_available=True), citizen.interpreter_wanted),
        "m_group": _flag(shares_group, bool(codes)),
        "m_municipality": _flag(in_municipality),
        "m_open": _flag(open_condition(now)),
        "m_vacant": _flag(Q(capacity_available__gt=0)),
    }
    w = WEIGHTS
    score = (
        _one_if({"m_greenlandic": True}) * w["greenlandic"]
        + _one_if({"m_interpreter": True}) * w["interpreter"]
        + _one_if({"m_group": True}) * w["target_group"]
        + _one_if({"m_municipality": True}) * w["municipality"]
        + _one_if({"m_open": True}) * w["open_now"]
        + _one_if({"m_vacant": True}) * w["vacant"]
    )
    best = (
        picker.pickable(user)
        .filter(candidates)
        .exclude(pk__in=used)
        .annotate(**flags)
        .annotate(score=score)
        .order_by("-score", "name", "pk")
        .values("pk")[:limit]
    )
    shared_groups = TargetGroup.objects.filter(code__in=codes, offers=OuterRef("pk")).order_by("name")
    qs = (
        Offer.objects.filter(pk__in=best)
        .annotate(**flags, group_names=ArraySubquery(shared_groups.values("name")))
        .annotate(score=score)
        .select_related("organisation")
        .order_by("-score", "name", "pk")
    )
    return [_explain(offer, now) for offer in qs]


def _explain(offer: Offer, now) -> Suggestion:
    reasons = []
    if offer.m_greenlandic:
        reasons.append(_("grønlandsktalende personale"))
    if offer.m_interpreter:
        reasons.append(_("tolk"))
    for name in offer.group_names or []:
        reasons.append(_("målgruppe: %(name)s") % {"name": name.lower()})
    if offer.m_municipality:
        reasons.append(_("i kommunen"))
    if offer.m_open:
        reasons.append(_("åbent nu"))
    if offer.m_vacant:
        if offer.capacity_updated_at:
            reasons.append(
                _("ledige pladser: %(n)s, opdateret %(since)s siden")
                % {"n": offer.capacity_available, "since": timesince(offer.capacity_updated_at, now, depth=1)}
            )
        else:
            reasons.append(_("ledige pladser: %(n)s") % {"n": offer.capacity_available})
    return Suggestion(offer=offer, score=offer.score, reasons=reasons)
