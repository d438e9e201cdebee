from django.urls import path

from borgerforloeb.views import (
    access,
    cases,
    citizens,
    consents,
    decisions,
    documents,
    efforts,
    meetings,
    network,
    participants,
    plan,
    referrals,
    tasks,
    todo,
    transfers,
)

app_name = "borgerforloeb"

# One block per subject module of ``borgerforloeb.views``; URL names say what they show
# (plan_*, effort_*, meeting_*, attention_*, decision_*).
urlpatterns = [
    path("", cases.my_cases, name="my_cases"),
    path("opgaver/", tasks.my_tasks, name="my_tasks"),
    path("det-skal-jeg/", todo.my_duties, name="my_duties"),
    path("opgaver/<uuid:task_pk>/udfoert/", tasks.task_complete, name="task_complete"),
    path("borgere/ny/", citizens.citizen_create, name="citizen_create"),
    path("borgere/<uuid:pk>/", citizens.citizen_detail, name="citizen_detail"),
    path("borgere/<uuid:pk>/cpr/", citizens.citizen_show_cpr, name="citizen_show_cpr"),
    path("borgere/<uuid:pk>/ret/", citizens.citizen_edit, name="citizen_edit"),
    path("nyt/", cases.case_create, name="case_create"),
    path("<uuid:pk>/", cases.case_detail, name="case_detail"),
    path("<uuid:pk>/cpr/", cases.case_show_cpr, name="case_show_cpr"),
    path("<uuid:pk>/tovholder/", cases.case_assign_coordinator, name="case_assign_coordinator"),
    path("<uuid:pk>/overdrag/", cases.case_handover, name="case_handover"),
    path("<uuid:pk>/status/", cases.case_status, name="case_status"),
    path("<uuid:pk>/deltagere/", participants.case_participants, name="case_participants"),
    path(
        "<uuid:pk>/deltagere/<int:participant_pk>/afslut/",
        participants.participant_end,
        name="participant_end",
    ),
    path("<uuid:pk>/opgaver/ny/", tasks.task_create, name="task_create"),
    path("<uuid:pk>/tidslinje/", cases.case_timeline, name="case_timeline"),
    path("<uuid:pk>/samtykker/", consents.case_consents, name="case_consents"),
    path("<uuid:pk>/samtykker/nyt/", consents.consent_create, name="consent_create"),
    path(
        "<uuid:pk>/samtykker/<uuid:consent_pk>/tilbagekald/",
        consents.consent_withdraw,
        name="consent_withdraw",
    ),
    # Access log and the citizen's data export (views/access.py).
    path("<uuid:pk>/adgangslog/", access.case_access_log, name="case_access_log"),
    path("borgere/<uuid:pk>/indsigt/", access.citizen_export, name="citizen_export"),
    path("borgere/<uuid:pk>/indsigt.json", access.citizen_export_json, name="citizen_export_json"),
    # Plan (views/plan.py): versions, editing with optimistic locking, acceptance, compare, print.
    path("<uuid:pk>/plan/", plan.plan_detail, name="plan_detail"),
    path("<uuid:pk>/plan/ny-version/", plan.plan_new_version, name="plan_new_version"),
    path("<uuid:pk>/plan/sammenlign/", plan.plan_compare, name="plan_compare"),
    path("<uuid:pk>/plan/<int:number>/", plan.plan_version, name="plan_version"),
    path("<uuid:pk>/plan/<int:number>/ret/", plan.plan_edit, name="plan_edit"),
    path("<uuid:pk>/plan/<int:number>/accept/", plan.plan_accept, name="plan_accept"),
    path("<uuid:pk>/plan/<int:number>/udskrift/", plan.plan_print, name="plan_print"),
    # The forms filled from the case, printable and as PDF (views/documents.py): plan, samtykke,
    # maal, indsatser.
    path("<uuid:pk>/dokumenter/<slug:kind>/", documents.document_print, name="document_print"),
    path("<uuid:pk>/dokumenter/<slug:kind>/pdf/", documents.document_pdf, name="document_pdf"),
    # Efforts and the receiving organisation's inbound referrals (views/efforts.py).
    path("<uuid:pk>/indsatser/", efforts.effort_list, name="effort_list"),
    path("<uuid:pk>/indsatser/ny/", efforts.effort_create, name="effort_create"),
    path("<uuid:pk>/indsatser/<uuid:effort_pk>/ret/", efforts.effort_edit, name="effort_edit"),
    path("henvisninger/", efforts.referral_list, name="referral_list"),
    path("henvis/", referrals.refer_offer, name="refer_offer"),
    path("henvisninger/<uuid:effort_pk>/", efforts.referral_answer, name="referral_answer"),
    # Meetings (views/meetings.py).
    path("<uuid:pk>/moeder/", meetings.meeting_list, name="meeting_list"),
    path("<uuid:pk>/moeder/nyt/", meetings.meeting_create, name="meeting_create"),
    path("<uuid:pk>/moeder/<uuid:meeting_pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("<uuid:pk>/moeder/<uuid:meeting_pk>/ret/", meetings.meeting_edit, name="meeting_edit"),
    path("<uuid:pk>/moeder/<uuid:meeting_pk>/referat/", meetings.meeting_minutes, name="meeting_minutes"),
    path("<uuid:pk>/moeder/<uuid:meeting_pk>/invitation.ics", meetings.meeting_ics, name="meeting_ics"),
    # The citizen's network map (views/network.py): people, participants, versions, compare, print.
    path("<uuid:pk>/netvaerkskort/", network.network_map, name="network_map"),
    path(
        "<uuid:pk>/netvaerkskort/person/<int:person_pk>/ret/",
        network.network_person_edit,
        name="network_person_edit",
    ),
    path(
        "<uuid:pk>/netvaerkskort/person/<int:person_pk>/fjern/",
        network.network_person_remove,
        name="network_person_remove",
    ),
    path(
        "<uuid:pk>/netvaerkskort/person/<int:person_pk>/deltager/",
        network.network_make_participant,
        name="network_make_participant",
    ),
    path(
        "<uuid:pk>/netvaerkskort/version/ny/", network.network_version_create, name="network_version_create"
    ),
    path("<uuid:pk>/netvaerkskort/version/<int:number>/", network.network_version, name="network_version"),
    path("<uuid:pk>/netvaerkskort/sammenlign/", network.network_compare, name="network_compare"),
    path("<uuid:pk>/netvaerkskort/udskrift/", network.network_print, name="network_print"),
    # Attention points and decisions (views/decisions.py).
    path("<uuid:pk>/opmaerksomhedspunkter/", decisions.attention_edit, name="attention_edit"),
    path("<uuid:pk>/beslutninger/", decisions.decision_list, name="decision_list"),
    path("<uuid:pk>/beslutninger/ny/", decisions.decision_create, name="decision_create"),
    # Transfers between municipalities (views/transfers.py).
    path("<uuid:pk>/flyt-kommune/", transfers.transfer_start, name="transfer_start"),
    path("overdragelser/", transfers.transfer_list, name="transfer_list"),
    path("overdragelser/<uuid:pk>/", transfers.transfer_detail, name="transfer_detail"),
    path("overdragelser/<uuid:pk>/modtag/", transfers.transfer_accept, name="transfer_accept"),
    path("overdragelser/<uuid:pk>/afvis/", transfers.transfer_decline, name="transfer_decline"),
    path("overdragelser/<uuid:pk>/traek-tilbage/", transfers.transfer_withdraw, name="transfer_withdraw"),
    path("overdragelser/<uuid:pk>/overdragelsesmoede.ics", transfers.transfer_ics, name="transfer_ics"),
]
