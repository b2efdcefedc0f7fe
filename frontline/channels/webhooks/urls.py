from django.urls import URLPattern, URLResolver, path

from frontline.channels.webhooks import views

app_name = "webhooks"

urlpatterns: list[URLPattern | URLResolver] = [
    path("messaging/channels/", views.channel_list, name="channels"),
    path("messaging/channels/<int:channel_id>/", views.channel_detail, name="channel"),
    path("messaging/channels/<int:channel_id>/secret/", views.rotate_secret, name="rotate"),
    path("messaging/channels/<int:channel_id>/delete/", views.delete_channel, name="delete"),
    path("messaging/payloads/<int:payload_id>/replay/", views.replay, name="replay"),
    path("messaging/tickets/<int:number>/calls/", views.ticket_calls, name="ticket-calls"),
    path("messaging/demo-receiver/", views.demo_receiver, name="demo-receiver"),
]
