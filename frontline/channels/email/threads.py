"""Which ticket an inbound email continues.

In order: the Message-IDs it references (In-Reply-To, then References from the nearest),
looked up among every ID we received, sent or saw referenced; then a ticket token in the
subject (``[#12345]``); then a plus address it was sent to (``support+t12345-code@…``).
Referenced IDs are remembered even when we never had that message, so two replies to a
message we never saw still land together, and a parent that arrives after its reply joins
the reply's ticket.
"""

import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from frontline.channels.email.models import OutboundMessage, ThreadRef
from frontline.channels.email.parsing import ParsedMail
from frontline.tickets.models import Message, Status, Ticket

TOKEN = re.compile(r"\[#(\d{1,18})\]")
PLUS = re.compile(
    r"^(?P<local>[^+@\s]+)\+t(?P<number>\d{1,18})(?:-(?P<code>[0-9a-f]{8}))?@(?P<domain>\S+)$",
    re.IGNORECASE,
)
MAX_HOPS = 20


class Via(StrEnum):
    REFERENCES = "references"
    SIGNED_ADDRESS = "signed_address"
    SUBJECT = "subject"
    PLUS_ADDRESS = "plus_address"


@dataclass(frozen=True)
class ThreadMatch:
    ticket: Ticket
    via: Via
    others: tuple[Ticket, ...] = ()
    seen_own_id: bool = False

    @property
    def is_proven(self) -> bool:
        """Headers or a signed address prove the sender got our mail; a token anyone can
        type into a subject does not."""
        return self.via in (Via.REFERENCES, Via.SIGNED_ADDRESS)


def find_thread(parsed: ParsedMail, *, recipients: Sequence[str]) -> ThreadMatch | None:
    by_refs = _by_references(parsed)
    if by_refs is not None:
        return by_refs
    token = TOKEN.search(parsed.subject)
    if token is not None:
        ticket = _ticket_by_number(int(token.group(1)))
        if ticket is not None:
            return ThreadMatch(ticket, Via.SUBJECT)
    for address in recipients:
        plus = PLUS.match(address)
        ticket = _ticket_by_number(int(plus.group("number"))) if plus else None
        if plus is not None and ticket is not None:
            signed = plus.group("code") == address_code(ticket.number)
            return ThreadMatch(ticket, Via.SIGNED_ADDRESS if signed else Via.PLUS_ADDRESS)
    return None


def _by_references(parsed: ParsedMail) -> ThreadMatch | None:
    ids = [i for i in (parsed.message_id, *parsed.thread_ids) if i]
    if not ids:
        return None
    found = dict(ThreadRef.objects.filter(message_id__in=ids).values_list("message_id", "ticket"))
    ticket_ids = list(dict.fromkeys(found[i] for i in ids if i in found))
    if not ticket_ids:
        return None
    loaded = Ticket.objects.in_bulk(ticket_ids)
    tickets: dict[int, Ticket] = {}
    for pk in ticket_ids:
        if pk in loaded:
            ticket = current_ticket(loaded[pk])
            tickets.setdefault(ticket.pk, ticket)
    if not tickets:
        return None
    first, *others = tickets.values()
    seen = bool(parsed.message_id) and parsed.message_id in found
    return ThreadMatch(first, Via.REFERENCES, others=tuple(others), seen_own_id=seen)


def _ticket_by_number(number: int) -> Ticket | None:
    ticket = Ticket.objects.filter(number=number).first()
    return current_ticket(ticket) if ticket is not None else None


def current_ticket(ticket: Ticket) -> Ticket:
    """Where a conversation continues: past merges, and from a closed ticket to its newest
    follow-up that is still open."""
    for _ in range(MAX_HOPS):
        if ticket.merged_into_id is not None:
            ticket = Ticket.objects.get(pk=ticket.merged_into_id)
        elif ticket.status == Status.CLOSED:
            follow_up = ticket.follow_ups.order_by("-id").first()
            if follow_up is None:
                return ticket
            ticket = follow_up
        else:
            return ticket
    return ticket


def remember(ticket: Ticket, message_ids: Iterable[str]) -> None:
    """Map Message-IDs to the ticket; the first ticket to claim an ID keeps it."""
    refs = [ThreadRef(message_id=i[:998], ticket=ticket) for i in dict.fromkeys(message_ids) if i]
    ThreadRef.objects.bulk_create(refs, ignore_conflicts=True)


def move_refs(source: Ticket, *, into: Ticket) -> None:
    ThreadRef.objects.filter(ticket=source).update(ticket=into)


def move_message_refs(source_id: int, *, into: Ticket, message_ids: Sequence[int]) -> None:
    """The Message-IDs of the messages ``message_ids`` (the mail we received as them and the
    mail that carried them out) now thread onto ``into``: a reply to one of them lands on
    the ticket the message moved to."""
    received = Message.objects.filter(pk__in=message_ids).exclude(external_id="")
    sent = OutboundMessage.objects.filter(ticket_message_id__in=message_ids)
    ids = {
        *received.values_list("external_id", flat=True),
        *sent.values_list("message_id", flat=True),
    }
    ThreadRef.objects.filter(ticket_id=source_id, message_id__in=ids).update(ticket=into)


def address_code(number: int) -> str:
    """A short HMAC of the ticket number: proves a plus address came from our mail."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"ticket-{number}".encode(), hashlib.sha256).hexdigest()[:8]


def plus_address(address: str, number: int) -> str:
    local, _, domain = address.partition("@")
    return f"{local}+t{number}-{address_code(number)}@{domain}"


def with_token(subject: str, number: int) -> str:
    token = f"[#{number}]"
    return subject if token in subject else f"{subject} {token}".strip()


def base_address(address: str) -> str:
    """``support+anything@example.com`` is delivered to ``support@example.com``."""
    local, _, domain = address.strip().lower().partition("@")
    return f"{local.partition('+')[0]}@{domain}"
