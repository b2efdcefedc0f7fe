"""`frontline mail import|reprocess|quarantine|poll|listen`: the email channel from a shell.

``import PATH`` takes .eml files, folders of them (recursively) and mbox files; run it
again after an interruption and it finishes what was left, never taking a message twice.
"""

import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from frontline.channels.email import importer, ingest, services, smtpd
from frontline.channels.email.models import InboundMessage, InboundStatus, Mailbox
from frontline.core.actors import Actor

# Below this, starting a second process to read ahead costs more than it saves.
PARALLEL_FROM = 200


class Command(BaseCommand):
    help = "Import, reprocess and inspect email; poll a mailbox; run the SMTP/LMTP listener."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        take = actions.add_parser("import", help="Ingest .eml files, folders and mbox files.")
        take.add_argument("path", type=Path)
        take.add_argument("--mailbox", help="Mailbox name (default: the default mailbox).")
        take.add_argument("--no-progress", action="store_true", help="No progress bar.")
        again = actions.add_parser("reprocess", help="Process stored messages again.")
        again.add_argument("ids", nargs="*", type=int, help="Message record ids.")
        again.add_argument("--failed", action="store_true", help="Every quarantined message.")
        again.add_argument("--pending", action="store_true", help="Every unprocessed message.")
        actions.add_parser("quarantine", help="List quarantined messages and why.")
        poll = actions.add_parser("poll", help="Fetch a mailbox (or all) over IMAP now.")
        poll.add_argument("--mailbox", help="Mailbox name (default: every polling mailbox).")
        listen = actions.add_parser("listen", help="Run the SMTP/LMTP listener in the foreground.")
        listen.add_argument("--host", default=settings.FRONTLINE_SMTP_HOST)
        listen.add_argument("--port", type=int, default=settings.FRONTLINE_SMTP_PORT)
        listen.add_argument("--lmtp", action="store_true", default=settings.FRONTLINE_SMTP_LMTP)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            self._import(options["path"], options["mailbox"], progress=not options["no_progress"])
        elif action == "reprocess":
            self._reprocess(options["ids"], failed=options["failed"], pending=options["pending"])
        elif action == "quarantine":
            self._quarantine()
        elif action == "poll":
            self._poll(options["mailbox"])
        else:
            self._listen(options["host"], options["port"], lmtp=options["lmtp"])

    def _import(self, path: Path, mailbox_name: str | None, *, progress: bool) -> None:
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        mailbox = _mailbox(mailbox_name) if mailbox_name else ingest.default_mailbox()
        files = importer.sources(path)
        total = importer.count_messages(files)
        with tqdm(total=total, unit="msg", disable=not progress, file=sys.stderr) as bar:
            summary = importer.import_files(
                files,
                mailbox=mailbox,
                advance=lambda: bar.update(1),
                parallel=total >= PARALLEL_FROM,
            )
        self.stdout.write(f"Imported into mailbox {mailbox.name!r} from {path}:")
        for line in summary.lines():
            self.stdout.write(f"  {line}")

    def _reprocess(self, ids: list[int], *, failed: bool, pending: bool) -> None:
        wanted = InboundMessage.objects.none()
        if ids:
            wanted |= InboundMessage.objects.filter(pk__in=ids)
        if failed:
            wanted |= InboundMessage.objects.filter(status=InboundStatus.FAILED)
        if pending:
            wanted |= InboundMessage.objects.filter(status=InboundStatus.RECEIVED)
        if not (ids or failed or pending):
            raise CommandError("Name message ids, or use --failed or --pending.")
        for inbound in wanted.order_by("id"):
            if inbound.status not in (InboundStatus.FAILED, InboundStatus.RECEIVED):
                self.stdout.write(f"#{inbound.pk}: already {inbound.status}, left alone")
                continue
            result = services.reprocess(inbound, actor=Actor.system())
            detail = f" ({result.error})" if result.error else ""
            self.stdout.write(f"#{result.pk}: {result.status} {result.outcome}{detail}")

    def _quarantine(self) -> None:
        held = InboundMessage.objects.filter(status=InboundStatus.FAILED).order_by("received_at")
        for inbound in held:
            self.stdout.write(
                f"#{inbound.pk} {inbound.received_at:%Y-%m-%d %H:%M} {inbound.sender or '?'} "
                f"{inbound.subject[:60]!r}: {inbound.get_outcome_display()}: {inbound.error}"
            )
        self.stdout.write(f"{held.count()} quarantined; `frontline mail reprocess ID` retries.")

    def _poll(self, mailbox_name: str | None) -> None:
        boxes = [_mailbox(mailbox_name)] if mailbox_name else list(Mailbox.objects.all())
        for mailbox in boxes:
            if not mailbox.polls:
                continue
            result = services.poll_mailbox(mailbox, actor=Actor.system())
            state = "busy (another worker is polling)" if result.skipped else "done"
            self.stdout.write(
                f"{mailbox.name}: {state}, {result.fetched} fetched, {result.stored} new"
                + (f", error: {result.error}" if result.error else "")
            )

    def _listen(self, host: str, port: int, *, lmtp: bool) -> None:
        controller = smtpd.start_listener(host=host, port=port, lmtp=lmtp)
        self.stdout.write(f"{'LMTP' if lmtp else 'SMTP'} listener on {host}:{port}; Ctrl-C stops.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()


def _mailbox(name: str) -> Mailbox:
    mailbox = Mailbox.objects.filter(name__iexact=name).first()
    if mailbox is None:
        raise CommandError(f"There is no mailbox named {name!r}.")
    return mailbox
