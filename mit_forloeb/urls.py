"""Mit forløb (/mit-forloeb/): the citizen's own view, sign-in by invitation, and the
coordinator's invitation page."""

from django.urls import path

from mit_forloeb import oidc as citizen_oidc
from mit_forloeb import views

app_name = "citizen"

urlpatterns = [
    path("", views.home, name="home"),
    path("log-ind/", views.signed_out, name="signed_out"),
    path("log-ud/", views.sign_out, name="sign_out"),
    path("mitid/", citizen_oidc.CitizenOIDCAuthenticateView.as_view(), name="oidc_init"),
    path("mitid/callback/", citizen_oidc.callback, name="oidc_callback"),
    path("ind/<str:token>/", views.invitation, name="invitation"),
    path("ind/<str:token>/nyt-link/", views.new_link, name="new_link"),
    path("samtykke/<uuid:pk>/tilbagekald/", views.consent_withdraw, name="consent_withdraw"),
    path("plan/<int:pk>/accepter/", views.plan_accept, name="plan_accept"),
    path("besked/", views.change_request, name="change_request"),
    path("netvaerkskort/", views.network_map, name="network_map"),
    # The citizen's data rights: who has looked, their data, consent receipts.
    path("hvem-har-set/", views.access_log, name="access_log"),
    path("hvem-har-set/<int:event_pk>/spoerg/", views.access_question, name="access_question"),
    path("mine-data/", views.my_data, name="my_data"),
    path("mine-data/udskrift/", views.my_data_html, name="my_data_html"),
    path("mine-data/json/", views.my_data_json, name="my_data_json"),
    path("samtykke/<uuid:pk>/kvittering/", views.consent_receipt, name="consent_receipt"),
    # The citizen's own forms to print or keep as PDF (plan, samtykke, maal, indsatser).
    path("papirer/<slug:kind>/", views.document_print, name="document_print"),
    path("papirer/<slug:kind>/pdf/", views.document_pdf, name="document_pdf"),
    # For staff: invite the citizen, mark the citizen's messages as read.
    path("invitation/<uuid:case_pk>/", views.invite, name="invite"),
    path("invitation/<uuid:case_pk>/laest/", views.messages_read, name="messages_read"),
]
