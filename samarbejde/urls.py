from django.urls import path

from samarbejde import views

app_name = "samarbejde"

urlpatterns = [
    path("", views.municipality_list, name="municipality_list"),
    path("kanaler/", views.channel_search, name="channel_search"),
    path("mine-opgaver/", views.my_forum_actions, name="my_forum_actions"),
    path("opgaver/<int:pk>/status/", views.action_status, name="action_status"),
    path("redskaber/", views.worktool_list, name="worktool_list"),
    path("redskaber/<int:pk>/", views.worktool_detail, name="worktool_detail"),
    path("redskaber/<int:pk>/rediger/", views.worktool_edit, name="worktool_edit"),
    path("redskaber/<int:pk>/vejledning/", views.document_upload, name="document_upload"),
    path("vejledninger/<int:pk>/", views.document_download, name="document_download"),
    path("viden/", views.knowledge_list, name="knowledge_list"),
    path("viden/ny/", views.knowledge_create, name="knowledge_create"),
    path("viden/<slug:slug>/", views.knowledge_detail, name="knowledge_detail"),
    path("viden/<slug:slug>/rediger/", views.knowledge_edit, name="knowledge_edit"),
    path("<slug:slug>/", views.municipality_detail, name="municipality_detail"),
    path("<slug:slug>/kanaler/", views.channel_list, name="channel_list"),
    path("<slug:slug>/planer/<int:pk>/", views.framework_document, name="framework_document"),
    path("<slug:slug>/kanaler/ny/", views.channel_create, name="channel_create"),
    path("<slug:slug>/kanaler/<int:pk>/rediger/", views.channel_edit, name="channel_edit"),
    path("<slug:slug>/kanaler/<int:pk>/slet/", views.channel_delete, name="channel_delete"),
    path("<slug:slug>/organisationer/ny/", views.organisation_create, name="organisation_create"),
    path("<slug:slug>/organisationer/<uuid:pk>/", views.organisation_detail, name="organisation_detail"),
    path("<slug:slug>/organisationer/<uuid:pk>/rediger/", views.organisation_edit, name="organisation_edit"),
    path("<slug:slug>/organisationer/<uuid:pk>/slet/", views.organisation_delete, name="organisation_delete"),
    path(
        "<slug:slug>/organisationer/<uuid:pk>/arkiver/",
        views.organisation_archive,
        name="organisation_archive",
    ),
    path("<slug:slug>/organisationer/<uuid:pk>/enheder/ny/", views.unit_create, name="unit_create"),
    path(
        "<slug:slug>/organisationer/<uuid:pk>/enheder/<int:unit_pk>/rediger/",
        views.unit_edit,
        name="unit_edit",
    ),
    path(
        "<slug:slug>/organisationer/<uuid:pk>/personer/<int:membership_pk>/rediger/",
        views.membership_edit,
        name="membership_edit",
    ),
    path("<slug:slug>/fora/ny/", views.forum_create, name="forum_create"),
    path("<slug:slug>/fora/<int:pk>/", views.forum_detail, name="forum_detail"),
    path("<slug:slug>/fora/<int:pk>/rediger/", views.forum_edit, name="forum_edit"),
    path("<slug:slug>/fora/<int:pk>/moeder/ny/", views.meeting_create, name="meeting_create"),
    path(
        "<slug:slug>/fora/<int:pk>/moeder/<int:meeting_pk>/rediger/", views.meeting_edit, name="meeting_edit"
    ),
    path("<slug:slug>/redskaber/ny/", views.worktool_create, name="worktool_create"),
]
