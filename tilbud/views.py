import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import safe_next_url
from tilbud import csv_io, picker, services
from tilbud.filters import OfferFilter, facets
from tilbud.forms import FORMSETS, OfferForm
from tilbud.listing import listed_offers
from tilbud.models import STALE_AFTER_DAYS, Offer, TaxonomyTerm
from tilbud.search import ordered

PAGE_SIZE = 20


def _page_guess(value) -> int:
    """The page number asked for, as far as it is known before counting (see ``_results``)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 1_000_000)  # beyond any real directory: shown as the last page


def _results(filterset, current, number):
    """The facets and the page of results asked for, with what the list shows of each offer.

    One statement counts the matches and the facets and picks the page's ids in order; only a page
    number out of range (shown as the nearest page, as Django's paginator does) has its ids chosen
    again, as a subquery of the page's query. The same number of queries either way.
    """
    guess = _page_guess(number)
    signed_in = filterset.request.user.is_authenticated
    facet_data = facets(filterset, page=((guess - 1) * PAGE_SIZE, PAGE_SIZE), signed_in=signed_in)
    page = Paginator(range(facet_data["total"]), PAGE_SIZE).get_page(number)
    if page.number == guess:
        ids = facet_data["page_ids"]
    else:
        bottom = (page.number - 1) * PAGE_SIZE
        ids = ordered(filterset.qs, current).values("pk")[bottom : bottom + PAGE_SIZE]
    page.object_list = listed_offers(ids, timezone.now())
    return facet_data, page


def _directory(request):
    base = Offer.objects.visible_to(request.user).listed()
    return OfferFilter(request.GET, queryset=base, request=request)


def offer_list(request):
    filterset = _directory(request)
    q = filterset.search_query
    current = filterset.current_search
    facet_data, page = _results(filterset, current, request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "tilbud/offer_list.html",
        {
            "filterset": filterset,
            "page": page,
            "facets": facet_data,
            "q": q,
            "query_string": params.urlencode(),
            "stale_after_days": STALE_AFTER_DAYS,
            "has_filters": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


def offer_export(request):
    """The current filtered list as CSV (same parameters as the list)."""
    filterset = _directory(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tilbud.csv"'
    csv_io.write_csv(filterset.qs, response)
    return response


def _detail_queryset(user):
    return (
        Offer.objects.visible_to(user)
        .select_related("organisation__municipality", "assured_by")
        .prefetch_related(
            "municipalities",
            Prefetch("categories", queryset=TaxonomyTerm.objects.select_related("parent")),
            "target_groups",
            "languages",
            "locations",
            "phones",
            "contacts",
            "schedules",
            "schedule_exceptions",
        )
    )


def _detail_context(request, pk):
    offer = get_object_or_404(_detail_queryset(request.user), pk=pk)
    now = timezone.now()
    is_open, next_change = offer.opening_state(now)
    today = timezone.localdate()
    return offer, {
        "offer": offer,
        "is_open": is_open,
        "next_change": next_change,
        "next_change_is_today": next_change is not None and next_change.date() == today,
        "days_since_assured": offer.days_since_assured(today),
        "stale_after_days": STALE_AFTER_DAYS,
        "upcoming_exceptions": [e for e in offer.schedule_exceptions.all() if e.date >= today][:10],
        "can_edit": Offer.objects.editable_by(request.user).filter(pk=offer.pk).exists(),
    }


def offer_detail(request, pk):
    _offer, context = _detail_context(request, pk)
    return render(request, "tilbud/offer_detail.html", context)


def offer_print(request, pk):
    _offer, context = _detail_context(request, pk)
    return render(request, "tilbud/offer_print.html", context)


@login_required
def my_offers(request):
    offers = (
        Offer.objects.editable_by(request.user)
        .select_related("organisation", "assured_by")
        .order_by("organisation__name", "name")
    )
    return render(request, "tilbud/my_offers.html", {"offers": offers, "stale_after_days": STALE_AFTER_DAYS})


@login_required
def offer_edit(request, pk):
    offer = get_object_or_404(Offer.objects.editable_by(request.user), pk=pk)
    before = services.snapshot(offer)
    data = request.POST if request.method == "POST" else None
    form = OfferForm(data, instance=offer)
    formsets = [(title, formset(data, instance=offer, prefix=prefix)) for prefix, formset, title in FORMSETS]
    if request.method == "POST" and form.is_valid() and all(fs.is_valid() for _t, fs in formsets):
        services.update_offer(
            actor=request.user,
            offer=offer,
            form=form,
            formsets=[fs for _t, fs in formsets],
            before=before,
            assure=form.cleaned_data.get("assure", False),
            request=request,
        )
        messages.success(request, _("Tilbuddet er gemt."))
        return redirect(offer)
    return render(request, "tilbud/offer_form.html", {"offer": offer, "form": form, "formsets": formsets})


@require_POST
@login_required
def offer_assure(request, pk):
    """One click: "still correct" sets the HSDS assured date to today."""
    offer = get_object_or_404(Offer.objects.editable_by(request.user), pk=pk)
    services.assure_offer(actor=request.user, offer=offer, request=request)
    messages.success(request, _("Tak! „%(name)s“ er bekræftet som korrekt i dag.") % {"name": offer.name})
    return redirect(safe_next_url(request, offer.get_absolute_url()))


@login_required
def offer_choices(request):
    """The offer picker's results for the search text ``q`` (a fragment; the effort form fetches it
    as the user types). Only offers the user may see; at most ``picker.LIMIT`` of them."""
    q = (request.GET.get("q") or "")[:200]
    selected = request.GET.get("valgt") or ""
    try:
        uuid.UUID(selected)
    except ValueError:
        selected = ""
    offers = picker.choose(request.user, q, selected or None)
    return render(
        request,
        "tilbud/_offer_choices.html",
        {"offers": offers, "q": q, "selected": selected, "found": len(offers) - bool(selected)},
    )
