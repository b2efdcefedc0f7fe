"""Placeholders in macro text: ``{{ customer.first_name }}``, ``{{ ticket.number }}``…

Each name maps to a plain function of the ticket and the actor; the text is filled in by
substitution, never by the template engine, so a macro cannot reach into model objects.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from frontline.core.actors import Actor
from frontline.tickets.contributions import due_time
from frontline.tickets.models import Ticket

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*\}\}")
# A brace pair that is not a well-formed placeholder, e.g. ``{{ customer name }}``.
_BRACES = re.compile(r"\{\{.*?\}\}", re.DOTALL)
SYSTEM_AGENT_NAME = "the team"


@dataclass(frozen=True)
class Placeholder:
    description: str
    value: Callable[[Ticket, Actor], str]


def _customer_name(ticket: Ticket, actor: Actor) -> str:
    return ticket.customer.name or ""


def _first(name: str) -> str:
    return name.split()[0] if name.split() else ""


def _customer_email(ticket: Ticket, actor: Actor) -> str:
    emails = [i for i in ticket.customer.identities.all() if i.kind == "email"]
    emails.sort(key=lambda i: (not i.is_primary, i.pk))
    return emails[0].value if emails else ""


def _agent_name(actor: Actor) -> str:
    if actor.user is not None and actor.is_agent:
        return actor.user.name or actor.user.email
    return SYSTEM_AGENT_NAME


def _sla_due(ticket: Ticket, actor: Actor) -> str:
    """The next SLA target in the viewer's time zone (the customer's for the system)."""
    due = due_time().lookup(ticket)
    if due is None:
        return ""
    zone = actor.user.time_zone if actor.user is not None and actor.is_agent else ""
    local = due.astimezone(ZoneInfo(zone or ticket.customer.time_zone or "UTC"))
    return local.strftime("%a %d %b %Y, %H:%M %Z")


PLACEHOLDERS: dict[str, Placeholder] = {
    "customer.name": Placeholder("The customer's full name", _customer_name),
    "customer.first_name": Placeholder(
        "The customer's first name", lambda t, a: _first(_customer_name(t, a))
    ),
    "customer.email": Placeholder("The customer's primary email address", _customer_email),
    "organisation.name": Placeholder(
        "The customer's organisation", lambda t, a: t.organisation.name if t.organisation else ""
    ),
    "ticket.number": Placeholder("The ticket number, e.g. 1042", lambda t, a: str(t.number)),
    "ticket.reference": Placeholder("The ticket reference, e.g. #1042", lambda t, a: t.reference),
    "ticket.subject": Placeholder("The ticket's subject", lambda t, a: t.subject),
    "ticket.status": Placeholder(
        "The ticket's status as shown, e.g. Pending", lambda t, a: t.get_status_display()
    ),
    "ticket.priority": Placeholder(
        "The ticket's priority as shown, e.g. High", lambda t, a: t.get_priority_display()
    ),
    "agent.name": Placeholder(
        "Your name (\u201cthe team\u201d when an automation applies the macro)",
        lambda t, a: _agent_name(a),
    ),
    "agent.first_name": Placeholder(
        "Your first name (\u201cthe team\u201d for automations)",
        lambda t, a: _first(_agent_name(a)) if a.user is not None else SYSTEM_AGENT_NAME,
    ),
    "sla.due": Placeholder(
        "When the next SLA target is due, in your time zone (empty when none)", _sla_due
    ),
}


def unknown_placeholders(text: str) -> list[str]:
    """Placeholders in ``text`` that are not in ``PLACEHOLDERS``, and malformed ones."""
    unknown: list[str] = []
    for braces in _BRACES.finditer(text):
        match = PLACEHOLDER.fullmatch(braces.group(0))
        name = match.group(1) if match else braces.group(0)
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    return unknown


def placeholder_values(ticket: Ticket, *, actor: Actor, text: str = "") -> dict[str, str]:
    """The value of each placeholder ``text`` names (every placeholder without ``text``)."""
    wanted = {m.group(1) for m in PLACEHOLDER.finditer(text)} if text else set(PLACEHOLDERS)
    return {
        name: PLACEHOLDERS[name].value(ticket, actor) for name in wanted if name in PLACEHOLDERS
    }


def render_placeholders(text: str, *, ticket: Ticket, actor: Actor) -> str:
    """``text`` with each known placeholder filled in; unknown ones stay as written."""
    values = placeholder_values(ticket, actor=actor, text=text)
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
