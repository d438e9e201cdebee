from django.urls import path

from tilbud import api

app_name = "hsds"

urlpatterns = [
    path("", api.index, name="index"),
    path("openapi.json", api.openapi, name="openapi"),
    path("services", api.services, name="services"),
    path("services/<uuid:pk>", api.service_detail, name="service_detail"),
    path("organizations", api.organizations, name="organizations"),
    path("organizations/<uuid:pk>", api.organization_detail, name="organization_detail"),
    path("taxonomies", api.taxonomies, name="taxonomies"),
    path("taxonomy_terms", api.taxonomy_terms, name="taxonomy_terms"),
]
