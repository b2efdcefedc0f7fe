"""Changes to the email channel's configuration, polling a mailbox, and reprocessing."""

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass, fields
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from frontline.accounts.models import Team
from frontline.accounts.permissions import can_manage_configuration
from frontline.channels.email import imap, ingest, rendering
from frontline.channels.email.models import (
    AfterFetch,
    EmailTemplate,
    InboundMessage,
    InboundStatus,
    Mailbox,
    Security,
    Source,
    TemplateKind,
)
from frontline.core.actors import Actor, ActorKind
from frontline.core.errors import Conflict, PermissionDenied, ValidationFailed
from frontline.tickets.models import Priority

logger = logging.getLogger(__name__)

POLL_LOCK = timedelta(minutes=10)


def ensure_manages_email(actor: Actor) -> None:
    user = actor.user
    if not actor.is_agent or user is None or not can_manage_configuration(user):
        raise PermissionDenied("Only the head of support and admins configure email.")


# Mailboxes


@dataclass(frozen=True)
class MailboxFields:
    """Fields to set; None leaves a field alone (``team`` is cleared with ``clear_team``)."""

    name: str | None = None
    address: str | None = None
    from_name: str | None = None
    team: Team | None = None
    clear_team: bool = False
    default_priority: Priority | None = None
    is_active: bool | None = None
    is_default: bool | None = None
    auto_acknowledge: bool | None = None
    reply_to_plus_address: bool | None = None
    reopen_window_days: int | None = None
    imap_host: str | None = None
    imap_port: int | None = None
    imap_security: Security | None = None
    imap_user: str | None = None
    imap_password: str | None = None
    imap_oauth2_token: str | None = None
    imap_folder: str | None = None
    after_fetch: AfterFetch | None = None
    move_to_folder: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: Security | None = None
    smtp_user: str | None = None
    smtp_password: str | None = None


@transaction.atomic
def create_mailbox(*, fields: MailboxFields, actor: Actor) -> Mailbox:
    ensure_manages_email(actor)
    if not fields.name or not fields.address:
        raise ValidationFailed("A mailbox needs a name and an address.", field="name")
    return _save(Mailbox(), fields)


@transaction.atomic
def update_mailbox(mailbox: Mailbox, *, fields: MailboxFields, actor: Actor) -> Mailbox:
    ensure_manages_email(actor)
    return _save(Mailbox.objects.select_for_update().get(pk=mailbox.pk), fields)


@transaction.atomic
def delete_mailbox(mailbox: Mailbox, *, actor: Actor) -> None:
    """Only a mailbox that never received mail goes; others are deactivated instead, so
    their stored messages keep their origin."""
    ensure_manages_email(actor)
    if InboundMessage.objects.filter(mailbox=mailbox).exists():
        raise Conflict("This mailbox has received mail; deactivate it instead.", field="is_active")
    mailbox.delete()


@transaction.atomic
def issue_ingest_token(mailbox: Mailbox, *, actor: Actor) -> str:
    """A new token for posting raw MIME to this mailbox; shown once, stored hashed."""
    ensure_manages_email(actor)
    secret = "flm_" + secrets.token_urlsafe(32)
    Mailbox.objects.filter(pk=mailbox.pk).update(
        ingest_token_hash=hashlib.sha256(secret.encode()).hexdigest(),
        ingest_token_prefix=secret[:12],
    )
    return secret


def mailbox_for_token(token: str) -> Mailbox | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    return Mailbox.objects.filter(ingest_token_hash=digest, is_active=True).first()


def _save(mailbox: Mailbox, changes: MailboxFields) -> Mailbox:
    for item in fields(changes):
        value = getattr(changes, item.name)
        if item.name != "clear_team" and value is not None:
            setattr(mailbox, item.name, value.strip() if isinstance(value, str) else value)
    if changes.clear_team:
        mailbox.team = None
    return save_mailbox(mailbox)


@transaction.atomic
def save_mailbox(mailbox: Mailbox) -> Mailbox:
    """Validate and store a mailbox (the API and the admin both end here)."""
    mailbox.address = mailbox.address.strip().lower()
    validate_mailbox(mailbox)
    if mailbox.is_default:
        Mailbox.objects.filter(is_default=True).exclude(pk=mailbox.pk).update(is_default=False)
    try:
        with transaction.atomic():
            mailbox.save()
    except IntegrityError:
        raise Conflict(f"A mailbox named {mailbox.name!r} exists.", field="name") from None
    ingest.forget_own_addresses()
    return mailbox


def validate_mailbox(mailbox: Mailbox) -> None:
    if Mailbox.objects.filter(name__iexact=mailbox.name).exclude(pk=mailbox.pk).exists():
        raise Conflict(f"A mailbox named {mailbox.name!r} exists.", field="name")
    if "@" not in mailbox.address or " " in mailbox.address:
        raise ValidationFailed(f"{mailbox.address!r} is not an email address.", field="address")
    if mailbox.imap_host and not mailbox.imap_user:
        raise ValidationFailed("Polling needs the IMAP user name.", field="imap_user")
    if mailbox.after_fetch == AfterFetch.MOVE and not mailbox.move_to_folder:
        raise ValidationFailed("Name the folder to move fetched mail to.", field="move_to_folder")


# Templates


@transaction.atomic
def save_template(
    *,
    kind: TemplateKind,
    team: Team | None,
    subject: str,
    body: str,
    expected_response_hours: int | None,
    actor: Actor,
) -> EmailTemplate:
    """Create or replace the template of a kind for a team (None: the default)."""
    ensure_manages_email(actor)
    rendering.check_template(subject, field="subject")
    rendering.check_template(body, field="body")
    template, _ = EmailTemplate.objects.update_or_create(
        kind=kind,
        team=team,
        defaults={
            "subject": subject,
            "body": body,
            "expected_response_hours": expected_response_hours,
        },
    )
    rendering.forget_templates()
    return template


@transaction.atomic
def delete_template(template: EmailTemplate, *, actor: Actor) -> None:
    ensure_manages_email(actor)
    template.delete()
    rendering.forget_templates()


# Polling


@dataclass(frozen=True)
class PollResult:
    fetched: int = 0
    stored: int = 0
    more: bool = False
    skipped: bool = False
    error: str = ""


def poll_mailbox(mailbox: Mailbox, *, actor: Actor) -> PollResult:
    """Fetch new mail of one mailbox: each message is stored and committed before the
    server is told we have it, so a crash at any point loses nothing. Another worker
    already polling this mailbox makes this a no-op. ``actor`` processes what came in."""
    owner = uuid.uuid4().hex
    if not _lock(mailbox, owner):
        return PollResult(skipped=True)
    stored: list[InboundMessage] = []
    fetched, more, error = 0, False, ""
    try:
        with imap.ImapSession(mailbox) as session:
            uids = session.pending_uids()
            batch = uids[: settings.FRONTLINE_EMAIL_POLL_BATCH]
            more = len(uids) > len(batch)
            for mail in session.fetch(batch):
                received = ingest.receive(mail.raw, mailbox=mailbox, source=Source.IMAP)
                session.finish(mail.uid)
                fetched += 1
                if received.created:
                    stored.append(received.inbound)
    except imap.ImapError as exc:
        error = str(exc)
        logger.warning(
            "email.poll.failed",
            extra={"mailbox": mailbox.pk, "address": mailbox.address, "error": error},
        )
    finally:
        _unlock(mailbox, owner, error=error)
    for inbound in stored:
        ingest.process(inbound, actor=actor)
    return PollResult(fetched=fetched, stored=len(stored), more=more, error=error)


def _lock(mailbox: Mailbox, owner: str) -> bool:
    now = timezone.now()
    free = Q(poll_locked_until__isnull=True) | Q(poll_locked_until__lt=now)
    return (
        Mailbox.objects.filter(free, pk=mailbox.pk).update(
            poll_locked_until=now + POLL_LOCK, poll_lock_owner=owner
        )
        == 1
    )


def _unlock(mailbox: Mailbox, owner: str, *, error: str) -> None:
    Mailbox.objects.filter(pk=mailbox.pk, poll_lock_owner=owner).update(
        poll_locked_until=None,
        poll_lock_owner="",
        last_polled_at=timezone.now(),
        last_poll_error=error[:2000],
    )


# Quarantine


def reprocess(inbound: InboundMessage, *, actor: Actor) -> InboundMessage:
    """Process a stored message again, e.g. after the fix of what failed it; the system
    (the ``mail`` command) or someone who configures email does, as ``actor``."""
    if actor.kind is not ActorKind.SYSTEM:
        ensure_manages_email(actor)
    if inbound.status not in (InboundStatus.FAILED, InboundStatus.RECEIVED):
        raise Conflict(
            f"This message is {inbound.get_status_display().lower()}; only quarantined or "
            "unprocessed messages are processed again.",
            field="status",
        )
    ingest.process(inbound, again=True, actor=actor)
    inbound.refresh_from_db()
    return inbound
