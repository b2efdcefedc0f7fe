"""The IMAP adapter: IMAPClient behind a small interface, its errors translated into
``ImapError`` that says whether trying again can help."""

import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError, IMAPClientError, LoginError

from frontline.channels.email.models import AfterFetch, Mailbox, Security

FETCH_CHUNK = 20
TIMEOUT_SECONDS = 60


class ImapError(Exception):
    """Polling failed; ``permanent`` when only a configuration change can fix it."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@contextmanager
def _translated(action: str) -> Iterator[None]:
    try:
        yield
    except LoginError as exc:
        raise ImapError(f"{action}: the server refused the login ({exc})", permanent=True) from exc
    except ssl.SSLError as exc:
        raise ImapError(f"{action}: TLS failed ({exc})", permanent=True) from exc
    except (TimeoutError, IMAPClientError, OSError) as exc:
        raise ImapError(f"{action}: {type(exc).__name__}: {exc}", permanent=False) from exc


@dataclass(frozen=True)
class FetchedMail:
    uid: int
    raw: bytes


class ImapSession:
    """One connection to a mailbox's folder: ``with ImapSession(mailbox) as session``."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox
        self._client: Any = None

    def __enter__(self) -> "ImapSession":
        try:
            return self._open()
        except ImapError:
            self._drop()
            raise

    def _open(self) -> "ImapSession":
        mailbox = self.mailbox
        with _translated(f"connecting to {mailbox.imap_host}:{mailbox.imap_port}"):
            client = IMAPClient(
                mailbox.imap_host,
                port=mailbox.imap_port,
                ssl=mailbox.imap_security == Security.SSL,
                timeout=TIMEOUT_SECONDS,
            )
            self._client = client
            if mailbox.imap_security == Security.STARTTLS:
                client.starttls(ssl.create_default_context())
        with _translated("signing in"):
            if mailbox.imap_oauth2_token:
                client.oauth2_login(mailbox.imap_user, mailbox.imap_oauth2_token)
            else:
                client.login(mailbox.imap_user, mailbox.imap_password)
        with _translated(f"opening folder {mailbox.imap_folder!r}"):
            client.select_folder(mailbox.imap_folder)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._client is None:
            return
        try:
            if self.mailbox.after_fetch != AfterFetch.MARK_SEEN:
                self._client.expunge()  # messages moved or deleted are only flagged until now
            self._client.logout()
        except (IMAPClientError, OSError):
            self._drop()  # the connection is being dropped anyway
        self._client = None

    def _drop(self) -> None:
        if self._client is not None:
            with suppress(IMAPClientError, OSError):
                self._client.shutdown()
        self._client = None

    def pending_uids(self) -> list[int]:
        """Messages to take: unseen ones when we mark what we took, else all."""
        criteria = "UNSEEN" if self.mailbox.after_fetch == AfterFetch.MARK_SEEN else "NOT DELETED"
        with _translated("searching"):
            return sorted(int(uid) for uid in self._client.search(criteria))

    def fetch(self, uids: list[int]) -> Iterator[FetchedMail]:
        """Raw bytes of each message; PEEK leaves them unseen until ``finish``."""
        for start in range(0, len(uids), FETCH_CHUNK):
            chunk = uids[start : start + FETCH_CHUNK]
            with _translated("fetching"):
                found = self._client.fetch(chunk, ["BODY.PEEK[]"])
            for uid in chunk:
                data = found.get(uid, {})
                raw = data.get(b"BODY[]")
                if isinstance(raw, bytes):
                    yield FetchedMail(uid=uid, raw=raw)

    def finish(self, uid: int) -> None:
        """What the mailbox says to do with a message we stored."""
        action = self.mailbox.after_fetch
        with _translated("marking the message done"):
            if action == AfterFetch.MARK_SEEN:
                self._client.add_flags([uid], [b"\\Seen"])
            elif action == AfterFetch.DELETE:
                self._client.delete_messages([uid])
            else:
                self._move(uid)

    def _move(self, uid: int) -> None:
        folder = self.mailbox.move_to_folder or "Processed"
        if not self._client.folder_exists(folder):
            self._client.create_folder(folder)
        try:
            self._client.move([uid], folder)
        except CapabilityError:
            self._client.copy([uid], folder)
            self._client.delete_messages([uid])
