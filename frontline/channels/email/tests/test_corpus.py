"""Every raw message of the shared corpora (729 messages from ten projects' test suites)
ends on a ticket or kept with a clear reason; none escapes with an exception."""

from collections import Counter

from frontline.channels.email import importer
from frontline.channels.email.models import InboundMessage, InboundStatus, Outcome
from frontline.tickets.models import Ticket

REPORTS = ("flanker/bounce/", "flanker/complaints/", "mail-gem/multipart_report_emails/")


def corpus_files(corpora):
    return [
        path
        for path in importer.sources(corpora)
        if path.suffix == ".eml" and "reply-stripping" not in path.parts
    ]


def test_every_corpus_message_ends_on_a_ticket_or_with_a_reason(corpora, mailbox):
    files = corpus_files(corpora)
    outcomes = {}
    for path in files:
        summary = importer.import_messages(iter([path.read_bytes()]), mailbox=mailbox)
        outcomes[path.relative_to(corpora).as_posix()] = summary

    records = list(InboundMessage.objects.all())
    by_status = Counter(r.status for r in records)
    reasons = Counter(f"{r.status}: {r.get_outcome_display()}" for r in records)
    print(f"\n{len(files)} corpus messages -> {len(records)} stored (identical bytes once)")
    print(f"tickets: {Ticket.objects.count()}, by status: {dict(by_status)}")
    for reason, count in reasons.most_common():
        print(f"  {reason}: {count}")
    assert len(files) == 729
    assert by_status[InboundStatus.RECEIVED] == 0
    assert all(r.outcome for r in records)
    assert not [r for r in records if r.status != InboundStatus.PROCESSED and not r.error]
    assert not [(r.pk, r.error) for r in records if r.outcome == Outcome.ERROR]


def test_bounces_and_complaint_reports_open_no_ticket(corpora, mailbox):
    files = [
        p for p in corpus_files(corpora) if p.relative_to(corpora).as_posix().startswith(REPORTS)
    ]

    importer.import_messages((p.read_bytes() for p in files), mailbox=mailbox)

    records = InboundMessage.objects.all()
    assert len(files) >= 15
    assert Ticket.objects.count() == 0
    assert {r.outcome for r in records} <= {Outcome.BOUNCE, Outcome.COMPLAINT}
    assert {r.outcome for r in records} == {Outcome.BOUNCE, Outcome.COMPLAINT}
