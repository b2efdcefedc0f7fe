"""Fixtures of the email channel's tests: a mailbox, the shared corpora, Huey in
immediate mode, and real servers on loopback (an SMTP sink, Dovecot IMAP)."""

import email
import email.policy
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from huey.contrib.djhuey import HUEY
from imapclient import IMAPClient

from frontline.accounts.models import Team
from frontline.channels.email import ingest, rendering
from frontline.channels.email.models import Mailbox
from frontline.conftest import require_service

REPO_ROOT = Path(__file__).resolve().parents[4]
CORPORA = REPO_ROOT.parent / "shared" / "data" / "emails"


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    """Templates and our own addresses are cached per process; a test starts empty."""
    rendering.forget_templates()
    ingest.forget_own_addresses()


@pytest.fixture
def mailbox(team: Team) -> Mailbox:
    return Mailbox.objects.create(
        name="Support", address="support@example.test", team=team, is_default=True
    )


@pytest.fixture
def corpora() -> Path:
    require_service("The shared mail corpora", CORPORA.is_dir(), f"nothing at {CORPORA}")
    return CORPORA


@pytest.fixture
def immediate_huey() -> Any:
    """Jobs run where they are queued; delayed ones wait in memory (so retries do not)."""
    was = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = was


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Sink:
    """What a real SMTP server received; ``answer`` makes it refuse mail on purpose."""

    port: int
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    answer: str = "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.answer.startswith("250"):
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return self.answer

    def messages(self) -> list[EmailMessage]:
        parsed = []
        for _, _, raw in self.received:
            message = email.message_from_bytes(raw, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            parsed.append(message)
        return parsed


@pytest.fixture
def smtp_sink(settings: Any) -> Any:
    """A real SMTP server (aiosmtpd) on loopback that Django's SMTP backend sends to."""
    sink = Sink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


DOVECOT_CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = {uid}
default_login_user = {login_user}
default_internal_user = {internal_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@dataclass
class Dovecot:
    """A real IMAP server (Dovecot) on loopback with one account, ``support``."""

    port: int
    user: str = "support"
    password: str = "s3cret-imap"

    def client(self) -> Any:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client

    def deliver(self, raw: bytes, *, seen: bool = False) -> None:
        client = self.client()
        client.append("INBOX", raw, flags=[b"\\Seen"] if seen else [])
        client.logout()

    def folder(self, name: str = "INBOX") -> dict[int, Any]:
        client = self.client()
        try:
            if not client.folder_exists(name):
                return {}
            client.select_folder(name)
            found: dict[int, Any] = client.fetch(client.search("ALL"), ["FLAGS", "BODY.PEEK[]"])
            return found
        finally:
            client.logout()

    def empty(self) -> None:
        client = self.client()
        for _, _, name in client.list_folders():
            client.select_folder(name)
            uids = client.search("ALL")
            if uids:
                client.delete_messages(uids)
                client.expunge()
            client.close_folder()
            if name != "INBOX":
                client.delete_folder(name)
        client.logout()


def _accounts() -> tuple[int, int, str, str]:
    """Mail runs as an unprivileged user: ``nobody`` when the tests run as root."""
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        return nobody.pw_uid, nobody.pw_gid, "dovenull", "dovecot"
    me = pwd.getpwuid(os.geteuid())
    return me.pw_uid, me.pw_gid, me.pw_name, me.pw_name


@pytest.fixture(scope="session")
def dovecot_server() -> Any:
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    require_service("Dovecot", binary is not None, "install dovecot-imapd (.ci/run does)")
    assert binary is not None
    root = Path(tempfile.mkdtemp(prefix="frontline-dovecot-"))
    root.chmod(0o755)
    uid, gid, login_user, internal_user = _accounts()
    server = Dovecot(port=free_port())
    for name in ("run", "state", "mail"):
        (root / name).mkdir()
    os.chown(root / "mail", uid, gid)
    (root / "passwd").write_text(f"{server.user}:{{PLAIN}}{server.password}::::::\n")
    (root / "passwd").chmod(0o644)
    config = root / "dovecot.conf"
    config.write_text(
        DOVECOT_CONFIG.format(
            root=root,
            uid=uid,
            gid=gid,
            login_user=login_user,
            internal_user=internal_user,
            port=server.port,
        )
    )
    process = subprocess.Popen([binary, "-F", "-c", str(config)])  # noqa: S603
    try:
        _wait_for_port(server.port, process, root / "dovecot.log")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_port(port: int, process: Any, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"Dovecot did not listen on {port}")


@pytest.fixture
def imap(dovecot_server: Dovecot) -> Dovecot:
    dovecot_server.empty()
    return dovecot_server
