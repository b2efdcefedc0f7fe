"""WebSocket routes (Django Channels). Named ws_urls, not routing, so it never shadows the
routing app."""

from django.urls import path

from frontline.tickets.consumers import TicketConsumer, WorkspaceConsumer

websocket_urlpatterns = [
    path("ws/workspace/", WorkspaceConsumer.as_asgi()),
    path("ws/tickets/<int:ticket_id>/", TicketConsumer.as_asgi()),
]
