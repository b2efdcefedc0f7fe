"""Message HTML in a sandboxed frame, and the ticket timeline's entries, for templates
(both written in ``frontline.tickets.message_html``)."""

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from frontline.tickets import message_html
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
