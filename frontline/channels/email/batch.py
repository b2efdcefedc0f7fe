"""Receiving and filing many messages at once, for imports.

``receive_many`` stores a batch's bytes and records with one look-up and one insert.
``process_batch`` files the common cases — a new request (and its acknowledgment), a reply
threaded by its references, subject token or plus address — deciding threads in memory
from one read of the Message-IDs, tickets and senders the batch names, and writing with a
few statements per batch through the tickets' batch services. Whatever is unusual (a
guard says no ticket, a bounce, a limit, a duplicate, a follow-up, tickets to merge, a
stranger using a token, people in copy, a parse failure) goes to ``ingest.process``, the
reference, one message at a time in its place in the order. If anything in a batch fails,
the batch is rolled back and every message of it goes through ``ingest.process``.
"""

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from frontline.channels.email import guards, ingest, outbound, rendering, threads
from frontline.channels.email.headers import Address
from frontline.channels.email.models import (
    DeliveryStatus,
    InboundMessage,
    InboundStatus,
    Mailbox,
    OutboundKind,
    OutboundMessage,
    Outcome,
    Source,
    TemplateKind,
    ThreadRef,
)
from frontline.channels.email.parsing import ParsedMail
from frontline.channels.email.reading import Prepared
from frontline.core.actors import Actor
from frontline.core.errors import ValidationFailed
from frontline.customers.models import Customer, Identity, IdentityKind
from frontline.customers.services import get_or_create_customers_by_email, normalise_identity
from frontline.sla.services.clocks import refresh_tickets
from frontline.tickets.models import Channel, Message, Priority, Status, Ticket
from frontline.tickets.services import batch as ticket_batch
from frontline.tickets.services.rows import insert_rows, update_rows

logger = logging.getLogger(__name__)

# Ticket event handlers run here once per batch instead of once per event: the SLA
# replay of new tickets (refresh_tickets), and the email of acknowledgments.
SLA_HANDLER = "frontline.sla.handlers.on_ticket_event"
EMAIL_HANDLER = "frontline.channels.email.handlers.email_public_reply"

# The fields of InboundMessage that ingest._record writes.
RECORDED = ["status", "outcome", "error", "ticket", "ticket_message", "processed_at"]
RECORDED += ["sender", "subject", "notes"]
Item = tuple[InboundMessage, bytes | None, Prepared | None]
Processed = tuple[str, str] | None


# Receiving


def receive_many(
    raws: Sequence[bytes], *, mailbox: Mailbox, source: Source
) -> list[ingest.Received]:
    """``ingest.receive`` for a batch: the bytes are stored, the records inserted together.
    A record another delivery inserted meanwhile sends the batch through ``receive``."""
    digests = [hashlib.sha256(raw).hexdigest() for raw in raws]
    ids = [ingest.peek_message_id(raw) for raw in raws]
    known = {
        (row.message_id, row.sha256): row
        for row in InboundMessage.objects.filter(message_id__in=set(ids), sha256__in=set(digests))
    }
    fresh: dict[tuple[str, str], InboundMessage] = {}
    received = []
    for raw, digest, message_id in zip(raws, digests, ids, strict=True):
        key = (message_id, digest)
        if key in known or key in fresh:
            received.append(ingest.Received(known.get(key) or fresh[key], created=False))
            continue
        fresh[key] = InboundMessage(
            mailbox=mailbox,
            source=source,
            message_id=message_id,
            sha256=digest,
            raw=ingest.store_raw(raw, digest),
            size=len(raw),
            received_at=timezone.now(),
        )
        received.append(ingest.Received(fresh[key], created=True))
    try:
        with transaction.atomic():
            insert_rows(fresh.values())
    except IntegrityError:
        return [ingest.receive(raw, mailbox=mailbox, source=source) for raw in raws]
    return received


# Processing


def process_batch(items: Sequence[Item], *, actor: Actor) -> list[Processed]:
    """``ingest.process`` for each message of a batch, in order, with the same outcomes
    (``actor`` as there). Never raises: a failing batch is processed again one message at
    a time."""
    try:
        with transaction.atomic():
            return _Batch(items, actor=actor).run()
    except Exception:  # the ingest boundary: fall back to the reference path, never stop
        logger.exception("email.import.batch_failed", extra={"size": len(items)})
    done: set[int] = set()
    results: list[Processed] = []
    for inbound, raw, prepared in items:
        if inbound.pk in done:
            results.append(None)
            continue
        done.add(inbound.pk)
        inbound.refresh_from_db()
        results.append(ingest.process(inbound, raw=raw, prepared=prepared, actor=actor))
    return results


@dataclass
class _Reading:
    """What a message says, read before the database is asked anything."""

    prepared: Prepared
    verdict: guards.Verdict
    sender: Address
    address: str
    recipients: list[str]
    content: ingest.Content


@dataclass(eq=False)
class _Plan:
    """How one message is filed: on a ticket we have (``ticket``), on one an earlier
    message of the batch opens (``joins``), or as a request opening a ticket (neither)."""

    index: int
    reading: _Reading
    customer: Customer | None  # None: created when the batch is written
    ticket: Ticket | None = None
    joins: "_Plan | None" = None
    opens: bool = False
    number: int = 0
    message: Message | None = None
    claims: list[str] = field(default_factory=list)  # Message-IDs new to the thread refs

    def target(self) -> Ticket:
        ticket = self.joins.ticket if self.joins is not None else self.ticket
        assert ticket is not None  # noqa: S101 - requests are written before replies
        return ticket


class _Fallback(Exception):
    """This message goes through ``ingest.process``."""


class _Contended(Exception):
    """Another worker claimed a message of the batch."""


class _Batch:
    def __init__(self, items: Sequence[Item], *, actor: Actor) -> None:
        self.items, self.actor = items, actor
        self.results: list[Processed] = [None] * len(items)
        self.readings: dict[int, _Reading | None] = {}

    def run(self) -> list[Processed]:
        _lock_mailboxes({inbound.mailbox_id for inbound, _, _ in self.items})
        seen: set[int] = set()
        todo = []
        for index, (inbound, _, _) in enumerate(self.items):
            if inbound.pk not in seen:  # the same bytes twice in a batch: one record
                seen.add(inbound.pk)
                todo.append(index)
        start = 0
        while start < len(todo):
            plans, stop = _Segment(self, todo[start:]).plan()
            if plans:
                self.write(plans)
            if stop is None:
                break
            inbound, raw, prepared = self.items[stop]
            self.results[stop] = ingest.process(
                inbound, raw=raw, prepared=prepared, actor=self.actor
            )
            start = todo.index(stop) + 1
        return self.results

    def reading(self, index: int) -> _Reading | None:
        if index not in self.readings:
            inbound, raw, prepared = self.items[index]
            try:
                self.readings[index] = _read(inbound, raw, prepared)
            except _Fallback:
                self.readings[index] = None
        return self.readings[index]

    def write(self, plans: list[_Plan]) -> None:
        _claim([self.items[plan.index][0] for plan in plans])
        customers = _customers(plans)
        mailbox_of = {plan.index: self.items[plan.index][0].mailbox for plan in plans}
        requests = [plan for plan in plans if plan.opens]
        opened = ticket_batch.open_tickets(
            [_request(p, customers[p.reading.address], mailbox_of[p.index]) for p in requests],
            first_number=requests[0].number if requests else None,
            deferred=[SLA_HANDLER, EMAIL_HANDLER],
        )
        for plan, done in zip(requests, opened, strict=True):
            plan.ticket, plan.message = done.ticket, done.message
        refresh_tickets([done.ticket.pk for done in opened])
        acks = _Acknowledgments(plans, mailbox_of, actor=self.actor)
        replies, targets = acks.replies(customers)
        # Replies run the SLA handler per event, as one at a time: it mostly has nothing to do.
        messages = ticket_batch.add_replies(replies, deferred=[EMAIL_HANDLER])
        for target, message in zip(targets, messages, strict=True):
            if isinstance(target, _Plan):
                target.message = message
        _remember(plans, acks.send(messages, targets))
        self.record(plans)

    def record(self, plans: list[_Plan]) -> None:
        now = timezone.now()
        rows = []
        for plan in plans:
            inbound = self.items[plan.index][0]
            parsed = plan.reading.prepared.parsed
            inbound.sender = parsed.sender.normalised[:320] if parsed.sender else ""
            inbound.subject = parsed.subject[:250]
            inbound.notes = "\n".join(parsed.notes)
            inbound.status = InboundStatus.PROCESSED
            inbound.outcome = Outcome.OPENED if plan.opens else Outcome.THREADED
            inbound.error = ""
            inbound.ticket = plan.target()
            inbound.ticket_message = plan.message
            inbound.processed_at = now
            rows.append(inbound)
            self.results[plan.index] = (inbound.status, inbound.outcome)
        update_rows(rows, RECORDED)


def _lock_mailboxes(mailbox_ids: set[int]) -> None:
    """As ``ingest._claim``: one thread decision at a time per mailbox (PostgreSQL)."""
    if connection.features.has_select_for_update and mailbox_ids:
        list(Mailbox.objects.select_for_update().filter(pk__in=sorted(mailbox_ids)))


def _read(inbound: InboundMessage, raw: bytes | None, prepared: Prepared | None) -> _Reading:
    """The checks ``ingest._process`` makes before it looks anything up; any that would
    keep the message from the common path sends it to ``ingest.process``."""
    if guards.size_breach(inbound.size) is not None:
        raise _Fallback
    if prepared is None:
        try:
            prepared = ingest.read_message(raw if raw is not None else ingest.read_raw(inbound))
        except Exception as exc:  # ingest.process reads it again and records the failure
            raise _Fallback from exc
    parsed = prepared.parsed
    own = ingest.own_addresses()
    verdict = guards.classify(parsed, own_addresses=own)
    sender = parsed.sender or ingest._envelope_sender(inbound)
    if not verdict.opens_ticket or sender is None or guards.attachment_breach(parsed):
        raise _Fallback
    try:
        address = normalise_identity(IdentityKind.EMAIL, sender.address)
    except ValidationFailed as exc:
        raise _Fallback from exc
    content = ingest._content(prepared)
    limit = settings.FRONTLINE_MAX_BODY_CHARS
    if len(content.text) > limit or len(content.html) > limit or _copies(parsed, own):
        raise _Fallback
    recipients = [
        *(a.normalised for a in (*parsed.to, *parsed.cc)),
        *inbound.envelope_recipients,
        parsed.headers.get("delivered-to", "").strip().lower(),
    ]
    return _Reading(prepared, verdict, sender, address, recipients, content)


def _copies(parsed: ParsedMail, own: frozenset[str]) -> bool:
    """Whether ``ingest._copy_people`` would copy anyone onto the ticket."""
    skip = parsed.sender.normalised if parsed.sender else ""
    return any(
        a.normalised != skip and threads.base_address(a.normalised) not in own
        for a in (*parsed.to, *parsed.cc)
    )


class _Segment:
    """Plans messages in order until one needs ``ingest.process``; what the plan knows
    about threads, tickets and senders is read once, then kept up to date in memory."""

    def __init__(self, batch: _Batch, todo: list[int]) -> None:
        self.batch, self.todo = batch, todo
        readings = {i: batch.reading(i) for i in todo}
        self.readings = {i: r for i, r in readings.items() if r is not None}
        read = list(self.readings.values())
        ids = {i for r in read for i in _ids(r)}
        self.refs: dict[str, int | _Plan] = dict(
            ThreadRef.objects.filter(message_id__in=ids).values_list("message_id", "ticket_id")
        )
        numbers = {n for r in read for n in _numbers(r)}
        self.next_number = ticket_batch.next_ticket_number()
        query = Q(pk__in=set(self.refs.values())) | Q(number__in=numbers)
        found = list(Ticket.objects.select_for_update(of=("self",)).filter(query))
        self.tickets = {t.pk: t for t in found}
        self.by_number: dict[int, Ticket | _Plan] = {t.number: t for t in found}
        identities = Identity.objects.select_related("customer").filter(
            kind=IdentityKind.EMAIL, value__in={r.address for r in read}
        )
        self.customers = {i.value: i.customer for i in identities}

    def plan(self) -> tuple[list[_Plan], int | None]:
        plans: list[_Plan] = []
        for index in self.todo:
            reading = self.readings.get(index)
            plan = self._decide(index, reading) if reading is not None else None
            if plan is None:
                return plans, index
            plans.append(plan)
        return plans, None

    def _decide(self, index: int, reading: _Reading) -> _Plan | None:
        customer = self.customers.get(reading.address)
        if customer is not None and customer.merged_into_id is not None:
            return None
        try:
            found = self._match(reading)
        except _Fallback:
            return None
        plan = _Plan(index, reading, customer)
        if isinstance(found, _Plan):
            if found.reading.address != reading.address:
                return None  # someone else: a token not trusted, or a colleague to copy
            plan.joins = found
        elif found is not None:
            mailbox = self.batch.items[index][0].mailbox
            if customer is None or customer.pk != found.customer_id:
                return None  # as above
            if ingest._needs_follow_up(found, mailbox):
                return None
            plan.ticket = found
        else:
            plan.opens, plan.number = True, self.next_number
            self.next_number += 1
            self.by_number[plan.number] = plan
        owner: int | _Plan = plan.ticket.pk if plan.ticket else (plan.joins or plan)
        for message_id in _ids(reading):
            if message_id not in self.refs:  # the first ticket to claim an ID keeps it
                self.refs[message_id] = owner
                plan.claims.append(message_id)
        return plan

    def _match(self, reading: _Reading) -> Ticket | _Plan | None:
        """``threads.find_thread`` over the batch's view of threads. Anything it would
        resolve by following merges or follow-ups, or by merging, is ``_Fallback``."""
        parsed = reading.prepared.parsed
        ids = _ids(reading)
        keys = list(dict.fromkeys(self.refs[i] for i in ids if i in self.refs))
        if keys:
            if len(keys) > 1 or (parsed.message_id and parsed.message_id in self.refs):
                raise _Fallback  # tickets to merge, or a copy of a message we have
            return self._current(keys[0])
        token = threads.TOKEN.search(parsed.subject)
        found = self.by_number.get(int(token.group(1))) if token else None
        if found is not None:
            return self._current(found)
        for address in reading.recipients:
            plus = threads.PLUS.match(address)
            found = self.by_number.get(int(plus.group("number"))) if plus else None
            if found is not None:
                return self._current(found)
        return None

    def _current(self, key: Ticket | _Plan | int) -> Ticket | _Plan:
        found = self.tickets.get(key) if isinstance(key, int) else key
        if found is None:
            raise _Fallback
        if isinstance(found, Ticket) and (
            found.merged_into_id is not None or found.status == Status.CLOSED
        ):
            raise _Fallback  # threads.current_ticket follows it elsewhere
        return found


def _ids(reading: _Reading) -> list[str]:
    parsed = reading.prepared.parsed
    return list(dict.fromkeys(i for i in (parsed.message_id, *parsed.thread_ids) if i))


def _numbers(reading: _Reading) -> list[int]:
    token = threads.TOKEN.search(reading.prepared.parsed.subject)
    numbers = [int(token.group(1))] if token else []
    for address in reading.recipients:
        plus = threads.PLUS.match(address)
        if plus is not None:
            numbers.append(int(plus.group("number")))
    return numbers


# Writing


def _claim(inbounds: list[InboundMessage]) -> None:
    """As ``ingest._claim``, for all at once; a message another worker took meanwhile
    sends the batch through ``ingest.process``, which skips it."""
    pks = [inbound.pk for inbound in inbounds]
    claimed = InboundMessage.objects.filter(pk__in=pks, status=InboundStatus.RECEIVED).update(
        attempts=F("attempts") + 1
    )
    if claimed != len(pks):
        raise _Contended(f"{len(pks) - claimed} of {len(pks)} messages were claimed meanwhile")


def _customers(plans: list[_Plan]) -> dict[str, Customer]:
    """The senders, created the first time they write (as ``ingest._customer``)."""
    found = {plan.reading.address: plan.customer for plan in plans if plan.customer}
    new = [
        (plan.reading.sender.address, plan.reading.sender.name)
        for plan in plans
        if plan.customer is None
    ]
    if new:
        found.update(get_or_create_customers_by_email(new))
    return found


def _request(plan: _Plan, customer: Customer, mailbox: Mailbox) -> ticket_batch.NewRequest:
    parsed, content = plan.reading.prepared.parsed, plan.reading.content
    return ticket_batch.NewRequest(
        customer=customer,
        subject=parsed.subject or "(no subject)",
        body=content.text,
        html=content.html,
        visible_text=content.visible,
        attachments=content.attachments,
        channel=Channel.EMAIL,
        priority=Priority(mailbox.default_priority),
        team=mailbox.team,
        external_id=parsed.message_id,
    )


def _reply(plan: _Plan, customer: Customer) -> ticket_batch.NewReply:
    parsed, content = plan.reading.prepared.parsed, plan.reading.content
    return ticket_batch.NewReply(
        ticket=plan.target(),
        body=content.text,
        html=content.html,
        visible_text=content.visible,
        attachments=content.attachments,
        actor=Actor.for_customer(customer),
        channel=Channel.EMAIL,
        is_automatic=plan.reading.verdict.is_automatic,
        external_id=parsed.message_id,
    )


@dataclass
class _Ack:
    plan: _Plan
    recipient: Identity
    subject: str
    text: str


class _Acknowledgments:
    """``outbound.acknowledge`` for the requests of a batch: the recipients, their flags
    and the hourly limit read once; the send jobs queued together on commit."""

    def __init__(self, plans: list[_Plan], mailbox_of: dict[int, Mailbox], *, actor: Actor) -> None:
        self.plans, self.mailbox_of, self.actor = plans, mailbox_of, actor
        wanted = [p for p in plans if p.opens and self._wants_ack(p)]
        ids = {p.target().customer_id for p in wanted}
        rows = Identity.objects.filter(customer_id__in=ids, kind=IdentityKind.EMAIL).order_by(
            "customer_id", "-is_primary", "id"
        )
        self.recipients: dict[int, Identity] = {}
        for row in rows:
            self.recipients.setdefault(row.customer_id, row)
        since = timezone.now() - timedelta(hours=1)
        sent = (
            OutboundMessage.objects.filter(
                recipient__in={r.value for r in self.recipients.values()},
                is_automatic=True,
                created_at__gte=since,
            )
            .values_list("recipient")
            .annotate(n=Count("id"))
        )
        self.sent: Counter[str] = Counter(dict(sent.values_list("recipient", "n")))
        self.wanted = {id(p) for p in wanted}

    def _wants_ack(self, plan: _Plan) -> bool:
        mailbox = self.mailbox_of[plan.index]
        return plan.reading.verdict.may_acknowledge and mailbox.auto_acknowledge

    def replies(
        self, customers: dict[str, Customer]
    ) -> tuple[list[ticket_batch.NewReply], list[_Plan | _Ack]]:
        """The replies threaded and the acknowledgments, in the order of the messages."""
        replies: list[ticket_batch.NewReply] = []
        targets: list[_Plan | _Ack] = []
        for plan in self.plans:
            if not plan.opens:
                replies.append(_reply(plan, customers[plan.reading.address]))
                targets.append(plan)
                continue
            ack = self._ack(plan) if id(plan) in self.wanted else None
            if ack is not None:
                replies.append(
                    ticket_batch.NewReply(
                        ticket=plan.target(),
                        body=ack.text,
                        actor=self.actor,
                        channel=Channel.EMAIL,
                        is_automatic=True,
                    )
                )
                targets.append(ack)
        return replies, targets

    def _ack(self, plan: _Plan) -> _Ack | None:
        ticket = plan.target()
        recipient = self.recipients.get(ticket.customer_id)
        if recipient is None or recipient.is_flagged:
            return None
        if self.sent[recipient.value] >= settings.FRONTLINE_EMAIL_AUTOREPLY_LIMIT:
            logger.info(
                "email.ack.rate_limited",
                extra={"ticket_id": ticket.pk, "recipient": recipient.value},
            )
            return None
        self.sent[recipient.value] += 1
        rendered = rendering.render(TemplateKind.ACKNOWLEDGMENT, ticket=ticket)
        subject = threads.with_token(rendered.subject, ticket.number)[:998]
        return _Ack(plan, recipient, subject, rendered.text)

    def send(self, messages: list[Message], targets: list[_Plan | _Ack]) -> list[ThreadRef]:
        """The acknowledgments' emails (as ``outbound.queue_message``); returns their refs."""
        now = timezone.now()
        emails = []
        for message, target in zip(messages, targets, strict=True):
            if isinstance(target, _Ack):
                emails.append(self._email(message, target, at=now))
        insert_rows(emails)
        ids = [email.pk for email in emails]
        if ids:
            transaction.on_commit(lambda: _queue_sending(ids))
        return [ThreadRef(message_id=e.message_id, ticket=e.ticket_message.ticket) for e in emails]

    def _email(self, message: Message, ack: _Ack, *, at: datetime) -> OutboundMessage:
        ticket, mailbox = ack.plan.target(), self.mailbox_of[ack.plan.index]
        request_id = ack.plan.message.external_id if ack.plan.message else ""
        return OutboundMessage(
            ticket_message=message,
            mailbox=mailbox,
            kind=OutboundKind.ACKNOWLEDGMENT,
            message_id=make_msgid(f"t{ticket.number}", outbound._domain(mailbox)).strip("<>"),
            recipient=ack.recipient.value,
            cc=[],
            subject=ack.subject,
            in_reply_to=request_id,
            references=f"<{request_id}>" if request_id else "",
            is_automatic=True,
            status=DeliveryStatus.QUEUED,
            created_at=at,
        )


def _queue_sending(outbound_ids: list[int]) -> None:
    from frontline.channels.email import tasks

    tasks.send_outbound_batch(outbound_ids)


def _remember(plans: list[_Plan], more: list[ThreadRef]) -> None:
    """As ``threads.remember`` per message, in order: the IDs each message claimed first."""
    refs: dict[str, ThreadRef] = {}
    for plan in plans:
        for message_id in plan.claims:
            key = message_id[:998]
            refs.setdefault(key, ThreadRef(message_id=key, ticket=plan.target()))
    for ref in more:
        refs.setdefault(ref.message_id, ref)
    insert_rows(refs.values(), ignore_conflicts=True)
