"""Pages that belong to the portal as a whole rather than to one app."""

from django.shortcuts import render

from samarbejde.models import Municipality


def home(request):
    """The front page: the directory, the framework and the municipalities to start from."""
    municipalities = Municipality.objects.only("name", "slug")
    return render(request, "home.html", {"municipalities": municipalities})
