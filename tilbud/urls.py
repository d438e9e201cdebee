from django.urls import path

from tilbud import views

app_name = "tilbud"

urlpatterns = [
    path("", views.offer_list, name="offer_list"),
    path("eksport.csv", views.offer_export, name="offer_export"),
    path("mine/", views.my_offers, name="my_offers"),
    path("vaelg/", views.offer_choices, name="offer_choices"),
    path("<uuid:pk>/", views.offer_detail, name="offer_detail"),
    path("<uuid:pk>/print/", views.offer_print, name="offer_print"),
    path("<uuid:pk>/rediger/", views.offer_edit, name="offer_edit"),
    path("<uuid:pk>/bekraeft/", views.offer_assure, name="offer_assure"),
]
