from django.urls import path

from frontline.channels.portal import deflection_views, views

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
]
