"""Templates of automatic mail: the team's own, else the default one, else the built-in.

Templates use Django's syntax over a small context of plain values (never model
objects), so an admin editing one cannot reach data a customer should not see."""

import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.template import Context, Template, TemplateSyntaxError

from frontline.accounts.models import Team
from frontline.channels.email.models import EmailTemplate, TemplateKind
from frontline.core.errors import ValidationFailed
from frontline.tickets.models import Ticket

logger = logging.getLogger(__name__)

BUILT_IN: dict[str, tuple[str, str]] = {
    TemplateKind.ACKNOWLEDGMENT: (
        "Re: {{ ticket.subject }}",
        "Hello {{ customer.name }},\n\n"
        "Thank you for writing to us. We have received your request as ticket "
        "#{{ ticket.number }}{% if expected_response %} and expect to answer "
        "{{ expected_response }}{% endif %}.\n\n"
        "To add anything, reply to this email.\n\n"
        "{{ team }}",
    ),
    TemplateKind.REPLY: ("Re: {{ ticket.subject }}", "{{ body }}"),
    TemplateKind.NOTIFICATION: (
        "Re: {{ ticket.subject }}",
        "{{ author }} replied to your request #{{ ticket.number }}:\n\n"
        "{{ body }}\n\n"
        "You can reply to this email or see the whole conversation at {{ portal_url }}",
    ),
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str


TEMPLATE_TTL = 30.0
_cache: dict[tuple[str, int | None], tuple[float, tuple[str, str, int | None]]] = {}


def template_for(kind: TemplateKind, team: Team | None) -> tuple[str, str, int | None]:
    """(subject, body, expected response hours) of the team's template or the default;
    kept for a few seconds, since every acknowledgment needs it."""
    key = (str(kind), team.pk if team else None)
    now = time.monotonic()
    cached = _cache.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    found = _load(kind, team)
    _cache[key] = (now + TEMPLATE_TTL, found)
    return found


def forget_templates() -> None:
    _cache.clear()


def _load(kind: TemplateKind, team: Team | None) -> tuple[str, str, int | None]:
    candidates = EmailTemplate.objects.filter(Q(team=team) | Q(team__isnull=True), kind=kind)
    rows = {row.team_id: row for row in candidates}
    chosen = rows.get(team.pk if team else None) or rows.get(None)
    if chosen is None:
        subject, body = BUILT_IN[kind]
        return subject, body, None
    return chosen.subject, chosen.body, chosen.expected_response_hours


def render(kind: TemplateKind, *, ticket: Ticket, body: str = "", author: str = "") -> Rendered:
    subject, text, hours = template_for(kind, ticket.team)
    context = _context(ticket, body=body, author=author, hours=hours)
    try:
        return Rendered(_render(subject, context), _render(text, context))
    except TemplateSyntaxError:
        logger.exception(
            "email.template.broken",
            extra={"kind": kind, "team": ticket.team_id, "ticket_id": ticket.pk},
        )
        built_in_subject, built_in_text = BUILT_IN[kind]
        return Rendered(_render(built_in_subject, context), _render(built_in_text, context))


def check_template(text: str, *, field: str) -> None:
    """Refuse a template that does not compile, with the parser's reason."""
    try:
        Template(text)
    except TemplateSyntaxError as exc:
        raise ValidationFailed(f"The template does not compile: {exc}", field=field) from None


def _render(template: str, context: dict[str, Any]) -> str:
    return _compiled(template).render(Context(context, autoescape=False)).strip()


@lru_cache(maxsize=64)
def _compiled(template: str) -> Template:
    """Compiled once per text: an import acknowledges thousands of tickets with one."""
    return Template(template)


def _context(ticket: Ticket, *, body: str, author: str, hours: int | None) -> dict[str, Any]:
    return {
        "ticket": {"number": ticket.number, "subject": ticket.subject, "status": ticket.status},
        "customer": {"name": ticket.customer.name},
        "team": ticket.team.name if ticket.team else "Support",
        "body": body,
        "author": author or "Our team",
        "expected_response": _expected(hours),
        "portal_url": settings.SITE_URL.rstrip("/") + "/portal/",
    }


def _expected(hours: int | None) -> str:
    if not hours:
        return ""
    if hours % 24 == 0 and hours >= 48:
        return f"within {hours // 24} days"
    return f"within {hours} hour{'s' if hours != 1 else ''}"
