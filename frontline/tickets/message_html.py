"""Messages as HTML: the frame document for message HTML, text with mentions, and the
ticket timeline's entries written in Python.

A long thread is the bulk of the ticket page, and as template includes its messages and
events were a third of the page's rendering time: every ``{{ }}`` is a context look-up
through several dictionaries and attribute probes. This writes the same markup directly.
Everything from the database or a person is escaped here (``escape``, or a filter that
escapes: ``linked``, ``with_mentions``, ``time_tag``); message HTML reaches the browser
only inside the sandboxed frame's ``srcdoc`` attribute, escaped into it.
"""

import re
from collections.abc import Sequence

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from frontline.core.templatetags.frontline import initials, linked, time_tag
from frontline.tickets import contributions
from frontline.tickets.mentions import MENTION
from frontline.tickets.models import AuthorType, Message, MessageKind, TicketEvent
from frontline.tickets.timeline import Entry

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


def message_document(body_html: str) -> str:
    """A whole document for an iframe's ``srcdoc``. Returned unescaped on purpose: it is
    escaped into the attribute, and the browser unescapes it into the frame."""
    return _DOCUMENT.format(body=body_html)


def with_mentions(text: str) -> SafeString:
    """Escaped text with @mentions highlighted and line breaks kept."""
    marked = MENTION.sub(lambda m: f'<span class="mention">{m.group(0)}</span>', escape(text))
    return mark_safe(re.sub(r"\r?\n", "<br>", marked))  # noqa: S308 - escaped just above


_FRAME = (
    '<iframe class="message-frame" title="Message from {label}" '
    'sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" '
    'referrerpolicy="no-referrer" loading="lazy" srcdoc="{document}"></iframe>'
)
_TAGS: dict[str, str] = {
    AuthorType.CUSTOMER: '<span class="tag-customer">Customer</span>',
    AuthorType.AGENT: '<span class="tag-agent">Reply to customer</span>',
}


def render_entries(entries: Sequence[Entry], *, ticket_number: int, csrf_token: str) -> SafeString:
    """The timeline's messages and events, in the order given."""
    parts = []
    for entry in entries:
        if entry.message is not None:
            parts.append(_message(entry, entry.message, ticket_number, csrf_token))
        elif entry.event is not None:
            parts.append(_event(entry, entry.event))
    return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped as it is built


def _message(entry: Entry, m: Message, ticket_number: int, csrf_token: str) -> str:
    label = entry.who
    note = m.kind == MessageKind.NOTE
    if note:
        tag = '<span class="tag-note">Internal note</span>'
    else:
        tag = _TAGS.get(m.author_type) or (
            f'<span class="tag-system">{escape(m.get_author_type_display())}</span>'
        )
    automatic = ' <span class="tag-system">Automatic</span>' if m.is_automatic else ""
    return (
        f'<article id="message-{m.pk}" class="msg msg-{escape(m.author_type)}'
        f'{" msg-note" if note else ""}" aria-labelledby="message-{m.pk}-who">\n'
        '<header class="msg-head">\n'
        f'<span class="avatar" aria-hidden="true">{escape(initials(label))}</span>\n'
        f'<span class="msg-who" id="message-{m.pk}-who"><strong>{escape(label)}</strong>\n'
        f"{tag}{automatic}\n</span>\n"
        f'<span class="msg-when"><span class="muted">{escape(m.get_channel_display())}</span>'
        f" · {time_tag(m.created_at)}</span>\n"
        "</header>\n"
        f'<div class="msg-body">\n{_body(m, label, note)}\n</div>\n'
        f"{_footers(entry, m, ticket_number, csrf_token)}"
        f"{_attachments(entry)}"
        "</article>"
    )


def _body(m: Message, label: str, note: bool) -> str:
    if m.body_html:
        return _FRAME.format(label=escape(label), document=escape(message_document(m.body_html)))
    if note:
        return f"<p>{with_mentions(m.body_text)}</p>"
    if m.visible_text:
        return (
            f"<p>{linked(m.visible_text)}</p>\n"
            '<details class="quoted"><summary>Show the whole message</summary>'
            f"<p>{linked(m.body_text)}</p></details>"
        )
    return f"<p>{linked(m.body_text)}</p>"


def _footers(entry: Entry, m: Message, ticket_number: int, csrf_token: str) -> str:
    if not entry.show_footers:
        return ""
    return contributions.render_footers(m, ticket_number=ticket_number, csrf_token=csrf_token)


def _attachments(entry: Entry) -> str:
    if not entry.attachments:
        return ""
    items = "".join(
        f'<li><a href="{escape(reverse("tickets:attachment", args=[a.pk]))}" download>'
        f'<span class="clip" aria-hidden="true">📎</span> {escape(a.filename)}</a> '
        f'<span class="muted">{filesizeformat(a.size)}</span></li>'
        for a in entry.attachments
    )
    return f'<ul class="attachments" aria-label="Attachments">\n{items}\n</ul>\n'


def _event(entry: Entry, e: TicketEvent) -> str:
    return (
        f'<div class="event event-{escape(e.type)}">\n'
        '<span class="event-dot" aria-hidden="true"></span>\n'
        f"<span><strong>{escape(entry.who)}</strong> {escape(entry.text)}</span>\n"
        f"{time_tag(e.created_at)}\n"
        "</div>"
    )
