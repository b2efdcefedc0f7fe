"""The threads set (275 mailing-list messages in 34 threads, grouped by their headers,
with duplicate Message-IDs and a References loop): every thread lands in one ticket,
whether the messages arrive in order or shuffled (replies before what they answer)."""

import json
import random

import pytest

from frontline.channels.email import ingest
from frontline.channels.email.models import InboundStatus, Source
from frontline.channels.email.threads import current_ticket
from frontline.core.actors import Actor


def final_ticket(record):
    """The ticket a message is on now, after any merge."""
    assert record.ticket is not None
    return current_ticket(record.ticket).pk


def load_manifest(corpora):
    return json.loads((corpora / "threads" / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("order", ["as listed", "shuffled"])
def test_every_thread_lands_in_exactly_one_ticket(corpora, mailbox, order):
    manifest = load_manifest(corpora)
    files = [m["file"] for m in manifest["messages"]]
    if order == "shuffled":
        random.Random(5).shuffle(files)

    record_of = {}
    for name in files:
        received = ingest.ingest(
            (corpora / "threads" / name).read_bytes(),
            mailbox=mailbox,
            source=Source.IMPORT,
            actor=Actor.system(),
        )
        record_of[name] = received.inbound.pk

    from frontline.channels.email.models import InboundMessage

    records = InboundMessage.objects.in_bulk(set(record_of.values()))
    assert {r.status for r in records.values()} == {InboundStatus.PROCESSED}
    ticket_of = {name: final_ticket(records[pk]) for name, pk in record_of.items()}
    split = [thread for thread in manifest["threads"] if len({ticket_of[f] for f in thread}) > 1]
    tickets = {ticket_of[f] for f in files}
    print(
        f"\n{order}: {len(files)} messages, {len(manifest['threads'])} threads -> "
        f"{len(tickets)} tickets, {len(split)} threads split"
    )
    assert split == []
    assert len(tickets) == len(manifest["threads"])
