"""What routing adds to other apps' pages (registered in ``frontline/contributions.py``):
the ticket's "why routed" panel, the presence switch in the workspace header, and the
routing part of the supervisor board."""

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from frontline.accounts.permissions import is_staff_member, sees_all_tickets
from frontline.tickets.contributions import TicketPanel

ROUTING_PANEL = TicketPanel(template="routing/_ticket_panel.html")


class _PresenceSwitch:
    """The agent's own online / away / offline switch, on every staff page."""

    def render(self, request: Any) -> str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not is_staff_member(user):
            return ""
        from frontline.routing.presence import cached_presence

        status, since = cached_presence(user)
        context = {"status": status, "since": since, "choices": _CHOICES}
        return render_to_string("routing/_presence_switch.html", context, request=request)


_CHOICES = (("online", "Online"), ("away", "Away"), ("offline", "Offline"))


class _RoutingBoard:
    """Presence and load against capacity per agent, and the queue waiting per team."""

    def render(self, request: Any) -> SafeString | str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not sees_all_tickets(user):
            return ""
        from frontline.routing import board

        queues = [(q, board.wait_text(q.oldest)) for q in board.queue_rows()]
        context = {"agents": board.agent_rows(), "queues": queues}
        return mark_safe(  # noqa: S308 - a rendered template, escaped
            render_to_string("routing/_board.html", context, request=request)
        )


PRESENCE_SWITCH = _PresenceSwitch()
ROUTING_BOARD = _RoutingBoard()
