"""Placeholders in macro text: ``{{ customer.first_name }}``, ``{{ ticket.number }}``,
``{{ agent.name }}``… (a minimal version; the macros work extends it)."""

import re

from frontline.core.actors import Actor
from frontline.tickets.models import Ticket

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)*)\s*\}\}")


def placeholder_values(ticket: Ticket, *, actor: Actor) -> dict[str, str]:
    customer = ticket.customer
    name = customer.name or ""
    agent = actor.user.name if actor.user is not None else ""
    return {
        "customer.name": name,
        "customer.first_name": name.split(" ")[0] if name else "",
        "ticket.number": str(ticket.number),
        "ticket.subject": ticket.subject,
        "agent.name": agent or "",
        "agent.first_name": (agent or "").split(" ")[0],
    }


def render_placeholders(text: str, *, ticket: Ticket, actor: Actor) -> str:
    values = placeholder_values(ticket, actor=actor)
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
