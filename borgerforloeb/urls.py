from django.urls import path

from borgerforloeb import views

app_name = "borgerforloeb"

urlpatterns = [
    path("", views.my_cases, name="my_cases"),
]
