from django.urls import path

from frontline.channels.portal import deflection_views, views, workflow_views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/<str:token>/", views.sign_in_link, name="sign-in-link"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/", views.account, name="account"),
    path("tickets/new/", views.new_ticket, name="new-ticket"),
    path("tickets/<int:number>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:number>/thread/", views.ticket_thread, name="thread"),
    path("tickets/<int:number>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<int:number>/status/", views.ticket_status, name="status"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("suggestions/", deflection_views.suggestions, name="suggestions"),
    path(
        "suggestions/<int:deflection_id>/answer/",
        deflection_views.answer,
        name="deflection-answer",
    ),
    # Self-service workflows (workflow_views.py, docs/workflows.md).
    path("help-with/", workflow_views.workflow_list, name="workflows"),
    path("help-with/runs/<int:run_id>/", workflow_views.run_page, name="workflow-run"),
    path("help-with/runs/<int:run_id>/step/", workflow_views.step, name="workflow-step"),
    path("help-with/runs/<int:run_id>/back/", workflow_views.back, name="workflow-back"),
    path("help-with/runs/<int:run_id>/stop/", workflow_views.stop, name="workflow-stop"),
    path("help-with/<slug:slug>/", workflow_views.workflow_start_page, name="workflow"),
    path("help-with/<slug:slug>/start/", workflow_views.start, name="workflow-start"),
]
