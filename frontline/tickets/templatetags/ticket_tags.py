"""Rendering message bodies safely: HTML in a sandboxed frame, text escaped and linked."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from frontline.tickets.mentions import MENTION

register = template.Library()

# The frame's own policy repeats the page's: no script, nothing remote but images we serve.
_DOCUMENT = (
    "<!doctype html><html><head><meta charset='utf-8'>"
    "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
    "img-src 'self' data:; style-src 'unsafe-inline'\">"
    "<base target='_blank'>"
    "<style>html{{font:14px/1.55 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2937}}"
    "body{{margin:0;overflow-wrap:anywhere}}img{{max-width:100%;height:auto}}"
    "blockquote{{margin:.5em 0;padding-left:.8em;border-left:3px solid #d1d5db;color:#4b5563}}"
    "table{{border-collapse:collapse;max-width:100%}}td,th{{padding:2px 6px}}"
    "pre{{white-space:pre-wrap}}a{{color:#4338ca}}</style></head><body>{body}</body></html>"
)


@register.filter
def message_document(body_html: str) -> str:
    """A whole document for an iframe's ``srcdoc``. Returned unescaped on purpose: the
    template escapes it into the attribute, and the browser unescapes it into the frame."""
    return _DOCUMENT.format(body=body_html)


@register.filter(needs_autoescape=True)
def with_mentions(text: str, autoescape: bool = True) -> SafeString:
    """Escaped text with @mentions highlighted and line breaks kept."""
    escaped = str(conditional_escape(text) if autoescape else text)
    marked = MENTION.sub(lambda m: f'<span class="mention">{m.group(0)}</span>', escaped)
    return mark_safe(re.sub(r"\r?\n", "<br>", marked))  # noqa: S308 - escaped just above
