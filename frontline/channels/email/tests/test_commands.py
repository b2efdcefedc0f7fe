"""`frontline mail import|reprocess|quarantine|poll` from a shell."""

import hashlib
import mailbox as stdlib_mailbox
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from frontline.bench.mail import split_threads, write_corpus
from frontline.channels.email.models import InboundMessage, InboundStatus, Mailbox
from frontline.channels.email.tests.mail import build
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


def counts(output: str) -> dict[str, int]:
    """The summary's figures: files read and stored, messages read and stored."""
    found = re.findall(r"^  (files read|  stored raw|messages read)\s+(\d+)$", output, re.M)
    names = iter(["files", "files_stored", "read", "stored"])
    return {next(names): int(n) for _, n in found}


def stored_bytes(settings, record: InboundMessage) -> bytes:
    return (Path(settings.MEDIA_ROOT) / str(record.raw.name)).read_bytes()


def test_a_file_that_only_starts_like_an_mbox_is_one_message_stored_whole(db, tmp_path, settings):
    """Text whose first line is ``From `` without headers after it is not an mbox: it was
    split into two empty messages that matched an earlier record, and its bytes were lost."""
    run("import", str(_write(tmp_path / "empty.eml", b"")), "--no-progress")
    text = b"From the desk of Carla: the printer stops.\n\nFrom now on it jams daily.\n"
    path = _write(tmp_path / "letter.txt", text)

    output = run("import", str(path), "--no-progress")

    assert counts(output) == {"files": 1, "files_stored": 1, "read": 1, "stored": 1}
    record = InboundMessage.objects.get(sha256=hashlib.sha256(text).hexdigest())
    assert stored_bytes(settings, record) == text
    assert (record.status, record.outcome) == (InboundStatus.FAILED, "no_sender")
    assert InboundMessage.objects.count() == 2


def test_an_mbox_is_stored_whole_then_message_by_message(db, tmp_path, settings):
    path = tmp_path / "archive.mbox"
    box = stdlib_mailbox.mbox(path)
    for n in range(3):
        box.add(build(message_id=f"<m{n}@example.test>", subject=f"Archived {n}"))
    box.close()

    output = run("import", str(path), "--no-progress")

    assert counts(output) == {"files": 1, "files_stored": 1, "read": 3, "stored": 3}
    assert "tickets opened      3" in output
    whole = InboundMessage.objects.get(sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    assert stored_bytes(settings, whole) == path.read_bytes()
    assert (whole.status, whole.outcome) == (InboundStatus.IGNORED, "mailbox_file")
    messages = InboundMessage.objects.exclude(pk=whole.pk)
    assert sorted(m.message_id for m in messages) == [
        "m0@example.test",
        "m1@example.test",
        "m2@example.test",
    ]


def test_an_eml_file_is_its_own_record(db, tmp_path, settings):
    raw = build(message_id="<single@example.test>")

    output = run("import", str(_write(tmp_path / "one.eml", raw)), "--no-progress")

    assert counts(output) == {"files": 1, "files_stored": 1, "read": 1, "stored": 1}
    record = InboundMessage.objects.get()
    assert stored_bytes(settings, record) == raw
    assert record.status == InboundStatus.PROCESSED


def test_an_empty_file_is_stored_and_quarantined(db, tmp_path):
    output = run("import", str(_write(tmp_path / "empty.eml", b"")), "--no-progress")

    assert counts(output) == {"files": 1, "files_stored": 1, "read": 1, "stored": 1}
    record = InboundMessage.objects.get()
    assert (record.size, record.status) == (0, InboundStatus.FAILED)


def test_a_folder_of_mixed_files_stores_every_file_and_message(db, folder, corpora, tmp_path):
    """The fixture folder (three .eml files and an mbox of two), an mbox-format file of the
    shared corpora (one message after a ``From `` line), a lookalike and an empty file."""
    shutil.copyfile(corpora / "flanker" / "bounce" / "zed.eml", folder / "zed.eml")
    _write(folder / "lookalike.txt", b"From me to you\nno headers at all\n")
    _write(folder / "empty.eml", b"")

    output = run("import", str(folder), "--no-progress")

    assert counts(output) == {"files": 7, "files_stored": 7, "read": 8, "stored": 8}
    # Every file's bytes have a record; the messages of the two mbox files have their own.
    files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
    digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    assert digests <= set(InboundMessage.objects.values_list("sha256", flat=True))
    assert InboundMessage.objects.count() == 7 + 2 + 1
    assert InboundMessage.objects.filter(outcome="mailbox_file").count() == 2
    assert "Delivery failure report: 2" in output


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path
