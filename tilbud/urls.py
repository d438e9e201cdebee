from django.urls import path

from tilbud import views

app_name = "tilbud"

urlpatterns = [
    path("", views.offer_list, name="offer_list"),
    path("<uuid:pk>/", views.offer_detail, name="offer_detail"),
]
