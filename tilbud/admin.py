from django.contrib import admin

from tilbud.models import Offer


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "status"]
    list_filter = ["status", "municipalities"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    filter_horizontal = ["municipalities"]
