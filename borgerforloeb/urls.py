from django.urls import path

from borgerforloeb import views, views_access

app_name = "borgerforloeb"

# Other modules of the app (views_plan.py etc.) add their own patterns below, named after what
# they show (plan_*, effort_*, meeting_*, attention_*, decision_*).
urlpatterns = [
    path("", views.my_cases, name="my_cases"),
    path("opgaver/", views.my_tasks, name="my_tasks"),
    path("opgaver/<uuid:task_pk>/udfoert/", views.task_complete, name="task_complete"),
    path("borgere/ny/", views.citizen_create, name="citizen_create"),
    path("borgere/<uuid:pk>/", views.citizen_detail, name="citizen_detail"),
    path("borgere/<uuid:pk>/cpr/", views.citizen_show_cpr, name="citizen_show_cpr"),
    path("borgere/<uuid:pk>/ret/", views.citizen_edit, name="citizen_edit"),
    path("nyt/", views.case_create, name="case_create"),
    path("<uuid:pk>/", views.case_detail, name="case_detail"),
    path("<uuid:pk>/cpr/", views.case_show_cpr, name="case_show_cpr"),
    path("<uuid:pk>/tovholder/", views.case_assign_coordinator, name="case_assign_coordinator"),
    path("<uuid:pk>/overdrag/", views.case_handover, name="case_handover"),
    path("<uuid:pk>/status/", views.case_status, name="case_status"),
    path("<uuid:pk>/deltagere/", views.case_participants, name="case_participants"),
    path("<uuid:pk>/deltagere/<int:participant_pk>/afslut/", views.participant_end, name="participant_end"),
    path("<uuid:pk>/opgaver/ny/", views.task_create, name="task_create"),
    path("<uuid:pk>/tidslinje/", views.case_timeline, name="case_timeline"),
    path("<uuid:pk>/samtykker/", views.case_consents, name="case_consents"),
    path("<uuid:pk>/samtykker/nyt/", views.consent_create, name="consent_create"),
    path(
        "<uuid:pk>/samtykker/<uuid:consent_pk>/tilbagekald/", views.consent_withdraw, name="consent_withdraw"
    ),
    # Access log and the citizen's data export (views_access.py).
    path("<uuid:pk>/adgangslog/", views_access.case_access_log, name="case_access_log"),
    path("borgere/<uuid:pk>/indsigt/", views_access.citizen_export, name="citizen_export"),
    path("borgere/<uuid:pk>/indsigt.json", views_access.citizen_export_json, name="citizen_export_json"),
]
