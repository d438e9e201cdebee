"""Included by config/urls.py only when BENCH_MODE is on."""

from django.urls import path

from bench import views

urlpatterns = [
    path("bench/floor/<str:label>/<str:pk>/", views.floor, name="bench_floor"),
    path("bench/layout-list/<int:municipality_id>/", views.layout_list, name="bench_layout_list"),
]
