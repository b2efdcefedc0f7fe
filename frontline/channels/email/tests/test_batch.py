"""The import files batches in bulk (``batch.process_batch``) with the same result as
``ingest.process`` one message at a time: same tickets, messages, threads, outcomes,
events, acknowledgments and SLA rows. A batch that fails half-way is filed again one
message at a time, with nothing lost and nothing twice."""

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction

from frontline.channels.email import batch, importer, ingest
from frontline.channels.email.models import (
    InboundMessage,
    InboundStatus,
    OutboundMessage,
    Source,
    ThreadRef,
)
from frontline.channels.email.tests.mail import build, deliver, msgid
from frontline.core.actors import Actor
from frontline.customers.models import Customer
from frontline.sla.models import SlaChange, SlaTarget, TicketSla
from frontline.testing import factories
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Message, Status, Ticket, TicketEvent
from frontline.tickets.services import batch as ticket_batch

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ALICE = "Alice Example <alice@example.test>"
BOB = "Bob Example <bob@example.test>"
CAROL = "Carol Stranger <carol@elsewhere.test>"
PDF = b"%PDF-1.4 tiny\n%%EOF\n"


@pytest.fixture
def earlier(mailbox, agent):
    """Tickets from before the import: one open, one closed, one solved yesterday."""
    factories.make_sla_policy(
        name="Email", goals=(("first_response", "normal", 240), ("resolution", "normal", 2880))
    )
    with time_machine.travel(NOW - timedelta(days=2), tick=False) as clock:
        raws = {
            name: build(
                sender=ALICE, subject=f"Earlier {name}", message_id=f"<{name}@example.test>"
            )
            for name in ("open", "closed", "solved")
        }
        found: dict[str, Ticket] = {}
        for name, raw in raws.items():
            ticket = deliver(raw, mailbox).ticket
            assert ticket is not None
            found[name] = ticket
        staff = Actor.for_user(agent)
        for name in ("closed", "solved"):
            ticket_services.reply_to_ticket(found[name], body="Done.", actor=staff)
            ticket_services.change_status(found[name], status=Status.SOLVED, actor=staff)
        ticket_services.change_status(found["closed"], status=Status.CLOSED, actor=staff)
        clock.move_to(NOW - timedelta(days=1))
    return found


def mixed(first: int) -> list[bytes]:
    """A batch with every case: ``first`` is the number the first new ticket gets."""
    a = build(sender=ALICE, subject="Printer", message_id="<a1@example.test>")
    return [
        a,
        build(
            sender=BOB,
            subject="Invoice",
            message_id="<b1@example.test>",
            html="<p>Charged <b>twice</b></p>",
            attachments=(("invoice.pdf", PDF, "application/pdf"),),
        ),
        build(
            sender=ALICE,
            subject="Re: Printer",
            in_reply_to="<a1@example.test>",
            references="<a1@example.test>",
            body="Still broken.\n\n> Printer",
        ),
        build(sender=BOB, subject=f"Re: Invoice [#{first + 1}]", body="Any news?"),
        build(sender=CAROL, subject=f"Me too [#{first}]", body="Same here."),
        build(sender=ALICE, subject="Re: open", in_reply_to="<open@example.test>"),
        build(sender=ALICE, subject="Re: closed", in_reply_to="<closed@example.test>"),
        build(sender=ALICE, subject="Re: solved", in_reply_to="<solved@example.test>"),
        build(sender=BOB, subject="Out of office", headers={"Auto-Submitted": "auto-replied"}),
        build(sender="MAILER-DAEMON <mailer-daemon@example.test>", subject="Undelivered"),
        build(sender="support@example.test", subject="Our own"),
        build(
            sender=ALICE,
            subject="Printer",
            message_id="<a1@example.test>",
            headers={"Received": "from elsewhere"},
        ),
        build(sender=BOB, subject="Lunch", cc="Dave <dave@example.test>, support@example.test"),
        build(sender=ALICE, subject="Both", references="<a1@example.test> <open@example.test>"),
        a,
        *(build(sender=ALICE, subject=f"Another {n}") for n in range(3)),
        build(sender=BOB, subject="Re: Invoice", in_reply_to="<b1@example.test>"),
        build(sender=CAROL, subject="New from Carol", message_id="<c1@example.test>"),
        build(sender=CAROL, subject="Re: New from Carol", references="<c1@example.test>"),
        build(sender="", subject="Nobody"),
        build(sender=BOB, subject=f"Plus [#{first + 1}]", to=f"support+t{first + 1}@example.test"),
    ]


def one_at_a_time(raws: list[bytes], mailbox: Any) -> None:
    """The import as it was: the batch received, then ``ingest.process`` per message."""
    received = [ingest.receive(raw, mailbox=mailbox, source=Source.IMPORT) for raw in raws]
    for raw, got in zip(raws, received, strict=True):
        if got.inbound.status == InboundStatus.RECEIVED:
            ingest.process(got.inbound, raw=raw, actor=Actor.system())


def in_batches(raws: list[bytes], mailbox: Any) -> importer.ImportSummary:
    return importer.import_messages(iter(raws), mailbox=mailbox)


def outcome_of(raws: list[bytes], mailbox: Any, file: Any) -> dict[str, Any]:
    """What filing the messages wrote, rolled back afterwards."""
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        file(raws, mailbox)
        found = snapshot()
        transaction.set_rollback(True)
    return found


def snapshot() -> dict[str, Any]:
    numbers = dict(Ticket.objects.values_list("pk", "number"))
    messages: dict[int, tuple[int, int]] = {}
    for pk, ticket_id in Message.objects.order_by("id").values_list("pk", "ticket_id"):
        on_ticket = [m for m in messages.values() if m[0] == numbers[ticket_id]]
        messages[pk] = (numbers[ticket_id], len(on_ticket))
    emails = {
        c.pk: sorted(c.identities.values_list("value", flat=True)) for c in Customer.objects.all()
    }
    outbound = {
        o.message_id: f"sent on {numbers[o.ticket_message.ticket_id]}"
        for o in OutboundMessage.objects.all()
    }

    def plain(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: plain(v, k) for k, v in value.items()}
        if key == "message_id":
            return messages.get(value)
        if key in ("from_id", "into_id", "follow_up_of"):
            return numbers.get(value)
        if key == "added_customers":
            return [emails[c] for c in value]
        if key == "message_ids":
            return [messages.get(m) for m in value]
        return value

    def key(found: dict[int, Any], pk: int | None) -> Any:
        return found.get(pk) if pk is not None else None

    records = {i.pk: i.sha256 for i in InboundMessage.objects.all()}

    def error(text: str) -> str:  # "Same message as #12.": primary keys differ by database
        return re.sub(r"#(\d+)", lambda found: records[int(found.group(1))], text)

    return {
        "tickets": sorted(
            (
                t.number,
                t.subject,
                t.status,
                t.channel,
                t.priority,
                t.team_id,
                emails[t.customer_id],
                t.organisation_id,
                t.message_count,
                t.last_message_at,
                t.solved_at,
                key(numbers, t.follow_up_of_id),
                key(numbers, t.merged_into_id),
                sorted(emails[c] for c in t.customer_collaborators.values_list("pk", flat=True)),
            )
            for t in Ticket.objects.all()
        ),
        "messages": sorted(
            (
                messages[m.pk],
                m.kind,
                m.direction,
                m.author_type,
                key(emails, m.author_customer_id),
                m.channel,
                m.body_text,
                m.body_html,
                m.visible_text,
                m.is_automatic,
                m.external_id,
                m.created_at,
                [
                    (a.filename, a.content_type, a.size, a.sha256, a.content_id)
                    for a in m.attachments.order_by("id")
                ],
            )
            for m in Message.objects.order_by("id")
        ),
        "events": [
            (
                numbers[e.ticket_id],
                e.type,
                e.actor_type,
                key(emails, e.actor_customer_id),
                plain(e.data),
                e.created_at,
            )
            for e in TicketEvent.objects.order_by("ticket__number", "created_at", "id")
        ],
        "inbound": sorted(
            (
                i.message_id,
                i.sha256,
                i.status,
                i.outcome,
                error(i.error),
                i.attempts,
                i.sender,
                i.subject,
                key(numbers, i.ticket_id),
                key(messages, i.ticket_message_id),
            )
            for i in InboundMessage.objects.all()
        ),
        "refs": sorted(
            (outbound.get(r.message_id, r.message_id), numbers[r.ticket_id])
            for r in ThreadRef.objects.all()
        ),
        "outbound": sorted(
            (
                numbers[o.ticket_message.ticket_id],
                o.kind,
                o.recipient,
                o.cc,
                o.subject,
                o.in_reply_to,
                o.references,
                o.is_automatic,
                o.status,
                o.mailbox_id,
            )
            for o in OutboundMessage.objects.select_related("ticket_message")
        ),
        "customers": sorted(
            (emails[c.pk], c.name, c.organisation_id) for c in Customer.objects.all()
        ),
        "sla": sorted(
            (numbers[s.ticket_id], s.policy_id, s.plan, s.reason, s.next_due_at, s.agent_replied)
            for s in TicketSla.objects.all()
        ),
        "targets": sorted(
            (
                numbers[t.ticket_id],
                t.target,
                t.cycle,
                t.state,
                t.goal_seconds,
                t.started_at,
                t.due_at,
                t.elapsed,
                t.running_since,
                t.stopped_at,
                t.alert_at,
                t.explanation,
            )
            for t in SlaTarget.objects.all()
        ),
        "sla_changes": sorted(
            (numbers[c.ticket_id], c.target, c.kind, c.message, c.at)
            for c in SlaChange.objects.all()
        ),
    }


def test_a_mixed_batch_files_as_one_message_at_a_time(mailbox, earlier):
    first = ticket_batch.next_ticket_number()
    raws = mixed(first)

    expected = outcome_of(raws, mailbox, one_at_a_time)
    found = outcome_of(raws, mailbox, in_batches)

    assert {row[3] for row in expected["inbound"]} >= {
        "opened",
        "threaded",
        "follow_up",
        "duplicate",
        "bounce",
        "own_address",
        "no_sender",
    }
    assert expected["targets"]
    assert expected["outbound"]
    for part in expected:
        assert found[part] == expected[part], part


@pytest.mark.parametrize("size", [1, 4, 7])
def test_batches_of_any_size_file_the_same(mailbox, earlier, monkeypatch, size):
    raws = mixed(ticket_batch.next_ticket_number())
    expected = outcome_of(raws, mailbox, one_at_a_time)

    monkeypatch.setattr(importer, "BATCH", size)
    found = outcome_of(raws, mailbox, in_batches)

    assert found == expected


def test_the_common_cases_are_filed_in_bulk(mailbox, earlier, monkeypatch):
    first = ticket_batch.next_ticket_number()
    raws = mixed(first)
    one_by_one = []
    reference = ingest.process

    def counted(inbound, **options):
        one_by_one.append(
            inbound.subject or ingest.read_message(ingest.read_raw(inbound)).parsed.subject
        )
        return reference(inbound, **options)

    monkeypatch.setattr(ingest, "process", counted)
    with time_machine.travel(NOW, tick=False):
        summary = in_batches(raws, mailbox)

    # Only the unusual ones went through ingest.process (the same bytes twice in a batch are
    # one record, processed once): a stranger's token, a follow-up, a bounce, our own
    # address, a duplicate, people in copy, tickets to merge, no sender.
    assert sorted(one_by_one) == sorted(
        [
            f"Me too [#{first}]",
            "Re: closed",
            "Undelivered",
            "Our own",
            "Printer",
            "Lunch",
            "Both",
            "Nobody",
        ]
    )
    assert summary.read == len(raws)


@pytest.mark.parametrize("breaking", ["add_replies", "refresh_tickets", "_remember"])
def test_a_batch_failing_half_way_is_filed_one_at_a_time(
    mailbox, earlier, monkeypatch, caplog, breaking
):
    raws = mixed(ticket_batch.next_ticket_number())
    expected = outcome_of(raws, mailbox, one_at_a_time)
    owner = ticket_batch if breaking == "add_replies" else batch
    real = getattr(owner, breaking)

    def broken(*args, **options):
        real(*args, **options)  # its writes are made, then rolled back with the batch
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(owner, breaking, broken)
    with caplog.at_level(logging.ERROR):
        found = outcome_of(raws, mailbox, in_batches)

    assert "email.import.batch_failed" in caplog.text
    assert found == expected
    inbound = found["inbound"]
    assert len(inbound) == len({(m, sha) for m, sha, *_ in inbound})


def test_receive_many_stores_each_message_once(mailbox):
    raws = [build(subject="One"), build(subject="Two")]
    first = batch.receive_many([raws[0], raws[0], raws[1]], mailbox=mailbox, source=Source.IMPORT)
    again = batch.receive_many(raws, mailbox=mailbox, source=Source.IMPORT)

    assert [r.created for r in first] == [True, False, True]
    assert first[0].inbound is first[1].inbound
    assert [r.created for r in again] == [False, False]
    assert [r.inbound.pk for r in again] == [first[0].inbound.pk, first[2].inbound.pk]
    assert InboundMessage.objects.count() == 2
    assert {i.message_id for i in InboundMessage.objects.all()} == {msgid(r) for r in raws}


def test_the_acknowledgments_of_a_batch_are_sent(
    mailbox, smtp_sink, immediate_huey, django_capture_on_commit_callbacks
):
    raws = [build(sender=f"P{n} <p{n}@example.test>", subject=f"Request {n}") for n in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        importer.import_messages(iter(raws), mailbox=mailbox)

    sent = sorted(smtp_sink.messages(), key=lambda m: str(m["To"]))
    assert [str(m["To"]) for m in sent] == ["p0@example.test", "p1@example.test", "p2@example.test"]
    assert [str(m["In-Reply-To"]) for m in sent] == [f"<{msgid(raw)}>" for raw in raws]
    assert all(str(m["Auto-Submitted"]) == "auto-replied" for m in sent)
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_the_batch_path_keeps_the_notes_of_how_a_message_was_read(mailbox):
    raw = (
        b"From: carla@example.test\r\nTo: support@example.test\r\nSubject: menu\r\n"
        b"Message-ID: <menu@example.test>\r\n"
        b"Content-Type: text/plain; charset=us-ascii\r\n\r\nCaf\xe9 cr\xe8me\r\n"
    )

    in_batches([raw], mailbox)

    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.PROCESSED
    assert "declared as 'us-ascii' is not in that charset" in inbound.notes
    assert inbound.ticket_message is not None
    assert inbound.ticket_message.body_text == "Café crème"
