"""`frontline mail import|reprocess|quarantine|poll` from a shell."""

import hashlib
import mailbox as stdlib_mailbox
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from frontline.channels.email.models import InboundMessage, InboundStatus, Mailbox
from frontline.channels.email.tests.mail import build
from frontline.core.bench.mail import split_threads, write_corpus
from frontline.tickets.models import Ticket


def run(*args: str) -> str:
    out = StringIO()
    call_command("mail", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def folder(tmp_path):
    """Two .eml files, a reply in a sub-folder, and an mbox of two more messages."""
    tmp_path = tmp_path / "incoming"  # beside MEDIA_ROOT, not around it
    tmp_path.mkdir()
    (tmp_path / "a.eml").write_bytes(build(message_id="<a@example.test>", subject="First"))
    (tmp_path / "b.eml").write_bytes(build(message_id="<b@example.test>", subject="Second"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "reply.eml").write_bytes(build(references="<a@example.test>"))
    box = stdlib_mailbox.mbox(tmp_path / "archive.mbox")
    box.add(build(sender="dave@example.test", subject="From the archive"))
    box.add(build(sender="MAILER-DAEMON@example.test", subject="Undeliverable"))
    box.close()
    (tmp_path / ".hidden.eml").write_bytes(build())
    return tmp_path


def test_import_on_a_fresh_install_reports_what_happened(db, folder):
    output = run("import", str(folder), "--no-progress")

    assert "Imported into mailbox 'Default'" in output
    assert "messages read       5" in output
    assert "tickets opened      3" in output
    assert "replies threaded    1" in output
    assert "Delivery failure report: 1" in output
    assert Mailbox.objects.get().is_default
    assert Ticket.objects.count() == 3


def test_importing_again_skips_what_is_there(db, folder):
    run("import", str(folder), "--no-progress")

    output = run("import", str(folder), "--no-progress")

    assert "duplicates skipped  5" in output
    # Five messages, and the mbox file's own record of its bytes; none of them twice.
    assert InboundMessage.objects.count() == 6


def test_import_into_a_named_mailbox(mailbox, folder):
    run("import", str(folder / "a.eml"), "--mailbox", "support", "--no-progress")

    assert InboundMessage.objects.get().mailbox == mailbox


def test_import_refuses_what_it_cannot_use(db, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run("import", str(tmp_path / "missing"))
    with pytest.raises(CommandError, match="no mailbox named"):
        run("import", str(tmp_path), "--mailbox", "nope")


def test_quarantine_and_reprocess(mailbox, folder, settings):
    settings.FRONTLINE_EMAIL_MAX_MESSAGE_BYTES = 100
    run("import", str(folder / "a.eml"), "--no-progress")

    listed = run("quarantine")
    settings.FRONTLINE_EMAIL_MAX_MESSAGE_BYTES = 100_000
    again = run("reprocess", "--failed")

    assert "Larger than the message size limit" in listed
    assert "1 quarantined" in listed
    assert "processed opened" in again
    assert InboundMessage.objects.get().status == InboundStatus.PROCESSED
    assert "already processed" in run("reprocess", str(InboundMessage.objects.get().pk))


def test_reprocess_needs_something_to_do(db):
    with pytest.raises(CommandError):
        run("reprocess")


def test_poll_skips_mailboxes_without_a_server(mailbox):
    assert run("poll") == ""


def test_a_large_import_reads_and_stores_in_a_second_process(db, tmp_path, settings):
    """From 200 messages the importer's reader process parses ahead and stores the raw
    bytes (through the storage API, into this process's media folder) before the records
    are written: every message is stored byte for byte and filed once."""
    incoming = tmp_path / "large"
    incoming.mkdir()
    corpus = write_corpus(incoming, 600, seed=3)

    summary = run("import", str(incoming))

    assert "messages read       600" in summary
    stored = list(InboundMessage.objects.all())
    assert len(stored) == 600
    assert all(m.status == InboundStatus.PROCESSED for m in stored)
    media = Path(settings.MEDIA_ROOT)
    for message in stored:
        raw = (media / str(message.raw.name)).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == message.sha256
    assert split_threads(corpus) == 0
