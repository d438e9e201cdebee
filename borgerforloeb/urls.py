from django.urls import path

from borgerforloeb import views, views_access, views_decisions, views_efforts, views_meetings, views_plan

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
    # Plan (views_plan.py): versions, editing with optimistic locking, acceptance, compare, print.
    path("<uuid:pk>/plan/", views_plan.plan_detail, name="plan_detail"),
    path("<uuid:pk>/plan/ny-version/", views_plan.plan_new_version, name="plan_new_version"),
    path("<uuid:pk>/plan/sammenlign/", views_plan.plan_compare, name="plan_compare"),
    path("<uuid:pk>/plan/<int:number>/", views_plan.plan_version, name="plan_version"),
    path("<uuid:pk>/plan/<int:number>/ret/", views_plan.plan_edit, name="plan_edit"),
    path("<uuid:pk>/plan/<int:number>/accept/", views_plan.plan_accept, name="plan_accept"),
    path("<uuid:pk>/plan/<int:number>/udskrift/", views_plan.plan_print, name="plan_print"),
    # Efforts and the receiving organisation's inbound referrals (views_efforts.py).
    path("<uuid:pk>/indsatser/", views_efforts.effort_list, name="effort_list"),
    path("<uuid:pk>/indsatser/ny/", views_efforts.effort_create, name="effort_create"),
    path("<uuid:pk>/indsatser/<uuid:effort_pk>/ret/", views_efforts.effort_edit, name="effort_edit"),
    path("henvisninger/", views_efforts.referral_list, name="referral_list"),
    path("henvisninger/<uuid:effort_pk>/", views_efforts.referral_answer, name="referral_answer"),
    # Meetings (views_meetings.py).
    path("<uuid:pk>/moeder/", views_meetings.meeting_list, name="meeting_list"),
    path("<uuid:pk>/moeder/nyt/", views_meetings.meeting_create, name="meeting_create"),
    path("<uuid:pk>/moeder/<uuid:meeting_pk>/", views_meetings.meeting_detail, name="meeting_detail"),
    path("<uuid:pk>/moeder/<uuid:meeting_pk>/ret/", views_meetings.meeting_edit, name="meeting_edit"),
    path(
        "<uuid:pk>/moeder/<uuid:meeting_pk>/referat/", views_meetings.meeting_minutes, name="meeting_minutes"
    ),
    path("<uuid:pk>/moeder/<uuid:meeting_pk>/invitation.ics", views_meetings.meeting_ics, name="meeting_ics"),
    # Attention points and decisions (views_decisions.py).
    path("<uuid:pk>/opmaerksomhedspunkter/", views_decisions.attention_edit, name="attention_edit"),
    path("<uuid:pk>/beslutninger/", views_decisions.decision_list, name="decision_list"),
    path("<uuid:pk>/beslutninger/ny/", views_decisions.decision_create, name="decision_create"),
]
