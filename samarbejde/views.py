from django.shortcuts import get_object_or_404, render

from samarbejde.models import Municipality


def municipality_list(request):
    return render(
        request, "samarbejde/municipality_list.html", {"municipalities": Municipality.objects.all()}
    )


def municipality_detail(request, slug):
    municipality = get_object_or_404(Municipality, slug=slug)
    organisations = municipality.organisations.active()
    return render(
        request,
        "samarbejde/municipality_detail.html",
        {"municipality": municipality, "organisations": organisations},
    )
