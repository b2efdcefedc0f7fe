"""Message HTML in a sandboxed frame, the ticket timeline's entries and the inbox's rows,
for templates (written in ``frontline.tickets.message_html`` and ``list_html``)."""

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from frontline.tickets import contributions, list_html, message_html
from frontline.tickets.models import Ticket
from frontline.tickets.timeline import Entry

register = template.Library()

register.filter("message_document", message_html.message_document)


@register.simple_tag(takes_context=True)
def timeline_entries(context: Any, entries: Sequence[Entry]) -> SafeString:
    """The timeline's messages and events (``message_html.render_entries``)."""
    return message_html.render_entries(
        entries,
        ticket_number=context["ticket"].number,
        csrf_token=str(context.get("csrf_token", "")),
    )


@register.simple_tag(takes_context=True)
def composer_tools(context: Any, ticket: Ticket) -> SafeString:
    """What other apps draw inside the reply form (``contributions.ComposerTool``)."""
    request = context.get("request")
    if request is None:
        return mark_safe("")
    tools = contributions.composer_tools()
    return mark_safe("".join(t.render(request, ticket=ticket) for t in tools))  # noqa: S308 - tools escape


@register.simple_tag
def ticket_rows(tickets: Sequence[Ticket]) -> SafeString:
    """The inbox's rows for ``tickets`` (``list_html.render_rows``)."""
    return list_html.render_rows(tickets)
