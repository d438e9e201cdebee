"""Refer a citizen from the directory: choose one of your own cases (search as you type), then
the effort form opens prefilled with the offer and its organisation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode

from borgerforloeb import selectors
from borgerforloeb.forms.efforts import uuid_or_none
from tilbud import picker


@login_required
def refer_offer(request):
    offer_id = uuid_or_none(request.GET.get("tilbud"))
    offer = picker.pickable(request.user).select_related("organisation").filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    q = (request.GET.get("q") or "").strip()[:200]
    context = {
        "offer": offer,
        "q": q,
        "cases": selectors.referable_cases(request.user, q),
        "query": urlencode({"tilbud": offer.pk}),
    }
    if request.GET.get("fragment"):
        return render(request, "borgerforloeb/efforts/_refer_cases.html", context)
    return render(request, "borgerforloeb/efforts/refer.html", context)
