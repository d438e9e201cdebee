from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from tilbud.models import Offer


def offer_list(request):
    offers = Offer.objects.filter(status=Offer.Status.ACTIVE).select_related("organisation")
    page = Paginator(offers, 25).get_page(request.GET.get("page"))
    return render(request, "tilbud/offer_list.html", {"page": page})


def offer_detail(request, pk):
    offer = get_object_or_404(Offer.objects.select_related("organisation"), pk=pk)
    return render(request, "tilbud/offer_detail.html", {"offer": offer})
