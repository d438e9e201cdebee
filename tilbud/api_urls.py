from django.urls import path

from tilbud import api, datapackage, openapi

app_name = "hsds"

urlpatterns = [
    path("", api.index, name="index"),
    path("openapi.json", openapi.openapi, name="openapi"),
    path("services", api.services, name="services"),
    path("services/<uuid:pk>", api.service_detail, name="service_detail"),
    path("organizations", api.organizations, name="organizations"),
    path("organizations/<uuid:pk>", api.organization_detail, name="organization_detail"),
    path("taxonomies", api.taxonomies, name="taxonomies"),
    path("taxonomies/<uuid:pk>", api.taxonomy_detail, name="taxonomy_detail"),
    path("taxonomy_terms", api.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<uuid:pk>", api.taxonomy_term_detail, name="taxonomy_term_detail"),
    path("service_at_locations", api.service_at_locations, name="service_at_locations"),
    path("service_at_locations/<uuid:pk>", api.service_at_location_detail, name="service_at_location_detail"),
    path("datapackage.zip", datapackage.download, name="datapackage"),
]
