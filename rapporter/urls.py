from django.urls import path

from rapporter import views

app_name = "rapporter"

urlpatterns = [
    path("", views.index, name="index"),
    path("landet/", views.national, name="national"),
    path("landet/eksport.<str:fmt>", views.national_export, name="national_export"),
    path("kommune/<slug:slug>/", views.municipality, name="municipality"),
    path("kommune/<slug:slug>/eksport.<str:fmt>", views.municipality_export, name="municipality_export"),
]
