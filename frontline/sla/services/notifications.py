"""SLA notifications: held until the recipient's working hours, sent alone or as a digest.

A person's working hours are the calendar of their site (follow-the-sun), else the default
calendar's hours read in their own time zone. A notification that fires at night waits for
the morning; then it appears in the person's workspace notifications (the bell in the
header, live) and is emailed to them. When several are waiting for one person, they arrive
as one digest, in the workspace and by email.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from frontline.accounts import services as accounts_services
from frontline.accounts.models import NotificationKind as AccountKind
from frontline.accounts.models import Role, User
from frontline.sla.business_time import BusinessCalendar, NeverOpens
from frontline.sla.models import (
    NotificationKind,
    SlaNotification,
    TargetKind,
)
from frontline.sla.schedules import compile_calendar
from frontline.sla.services.lookups import lookups
from frontline.tickets.models import Ticket

logger = logging.getLogger(__name__)

DIGEST_FROM = 3
DELIVERY_BATCH = 200
_WORKSPACE_KIND = {
    NotificationKind.WARNING: AccountKind.SLA_WARNING,
    NotificationKind.BREACH: AccountKind.SLA_BREACH,
    NotificationKind.AUTOMATION: AccountKind.AUTOMATION,
}


def working_calendar(user: User) -> BusinessCalendar | None:
    found = lookups()
    if user.site_id is not None:
        site_calendar = found.site_calendar(user.site_id)
        if site_calendar is not None:
            return compile_calendar(site_calendar)
    default = found.default_calendar()
    if default is None:
        return None
    return compile_calendar(default, time_zone=user.time_zone)


def next_working_moment(user: User, at: datetime) -> datetime:
    """``at`` if the person is working then, else when their working hours next begin."""
    calendar = working_calendar(user)
    if calendar is None:
        return at
    try:
        return calendar.next_open(at)
    except NeverOpens:
        return at


def recipients(ticket: Ticket, kinds: Sequence[str]) -> list[User]:
    """The people an action names: the assignee, the team, its leads or the supervisors."""
    found: dict[int, User] = {}
    if "assignee" in kinds and ticket.assignee is not None and ticket.assignee.is_active:
        found[ticket.assignee.pk] = ticket.assignee
    active = User.objects.filter(is_active=True)
    if "team" in kinds and ticket.team_id is not None:
        found.update((u.pk, u) for u in active.filter(memberships__team_id=ticket.team_id))
    if "supervisor" in kinds:
        leads = list(
            active.filter(memberships__team_id=ticket.team_id, memberships__is_lead=True)
            if ticket.team_id is not None
            else []
        )
        if not leads:
            leads = list(active.filter(role=Role.SUPERVISOR))
        found.update((u.pk, u) for u in leads)
    return sorted(found.values(), key=lambda u: u.pk)


def notify(
    users: Iterable[User],
    *,
    ticket: Ticket,
    target: str,
    kind: NotificationKind,
    percent: int,
    message: str,
    now: datetime,
) -> list[SlaNotification]:
    rows = [
        SlaNotification(
            recipient=user,
            ticket=ticket,
            target=target,
            kind=kind,
            percent=percent,
            message=message,
            created_at=now,
            deliver_after=next_working_moment(user, now),
        )
        for user in users
    ]
    # Delivered by the job that made them once it has finished (and every minute), so the
    # alerts of one sweep reach a person together.
    return SlaNotification.objects.bulk_create(rows)


def deliver_notifications(*, now: datetime | None = None) -> int:
    """Deliver what is due into each person's workspace notifications (one digest when
    several are waiting), email them a copy, and retry copies that failed to send.
    Returns how many notifications reached a workspace."""
    now = now or timezone.now()
    waiting = (
        SlaNotification.objects.filter(sent_at__isnull=True, deliver_after__lte=now)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()[:DELIVERY_BATCH]
    )
    delivered = 0
    for recipient_id in list(waiting):
        claim, count = _deliver_to(recipient_id, now=now)
        delivered += count
        if count:
            _email(claim, now=now)
    _retry_emails(now=now)
    return delivered


@transaction.atomic
def _deliver_to(recipient_id: int, *, now: datetime) -> tuple[uuid.UUID, int]:
    claim = uuid.uuid4()
    # Claimed with a conditional update, so two workers never deliver the same notification.
    SlaNotification.objects.filter(
        recipient_id=recipient_id, sent_at__isnull=True, deliver_after__lte=now
    ).update(sent_at=now, claim=claim)
    rows = _claimed(claim)
    if rows:
        _show_in_workspace(rows[0].recipient, rows)
        size = len(rows) if len(rows) >= DIGEST_FROM else 1
        SlaNotification.objects.filter(claim=claim).update(digest_size=size)
    return claim, len(rows)


def _claimed(claim: uuid.UUID) -> list[SlaNotification]:
    return list(
        SlaNotification.objects.filter(claim=claim)
        .select_related("recipient", "ticket")
        .order_by("created_at", "id")
    )


def _show_in_workspace(recipient: User, rows: Sequence[SlaNotification]) -> None:
    if len(rows) >= DIGEST_FROM:
        tickets = {row.ticket_id for row in rows}
        accounts_services.notify(
            recipient,
            kind=AccountKind.SLA_DIGEST,
            title=_digest_subject(rows),
            excerpt="; ".join(_short(row) for row in rows),
            url=_ticket_url(rows[0].ticket) if len(tickets) == 1 else _due_first_url(),
        )
        return
    for row in rows:
        accounts_services.notify(
            recipient,
            kind=_WORKSPACE_KIND[NotificationKind(row.kind)],
            title=_subject(row),
            excerpt=row.message,
            url=_ticket_url(row.ticket),
        )


def _email(claim: uuid.UUID, *, now: datetime) -> None:
    """Email the claimed notifications: one digest, or one email each. A failed send
    releases the claim, and the next delivery run tries again."""
    rows = _claimed(claim)
    if not rows:
        return
    recipient = rows[0].recipient
    try:
        if len(rows) >= DIGEST_FROM:
            _send(recipient, _digest_subject(rows), _digest_body(rows))
        else:
            for row in rows:
                _send(recipient, _subject(row), _line(row))
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning(
            "sla.notification.send_failed",
            extra={
                "recipient_id": recipient.pk,
                "recipient": recipient.email,
                "ticket_ids": sorted({row.ticket_id for row in rows}),
                "error": f"{type(exc).__name__}: {exc}",
            },
        )
        SlaNotification.objects.filter(claim=claim).update(claim=None)
        return
    SlaNotification.objects.filter(claim=claim).update(emailed_at=now)


def _retry_emails(*, now: datetime) -> None:
    unsent = SlaNotification.objects.filter(
        sent_at__isnull=False, emailed_at__isnull=True, claim__isnull=True
    )
    for recipient_id in list(
        unsent.order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()[:DELIVERY_BATCH]
    ):
        claim = uuid.uuid4()
        if unsent.filter(recipient_id=recipient_id).update(claim=claim):
            _email(claim, now=now)


def _send(recipient: User, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])


def _ticket_url(ticket: Ticket) -> str:
    return reverse("tickets:ticket", args=[ticket.number])


def _due_first_url() -> str:
    """The inbox, the ticket whose SLA is due first at the top."""
    return f"{reverse('tickets:view', kwargs={'key': 'filter'})}?sort=due"


def _subject(row: SlaNotification) -> str:
    ticket = row.ticket
    if row.kind == NotificationKind.AUTOMATION:
        return f"Automation: {row.message.splitlines()[0]} on #{ticket.number} {ticket.subject}"
    label = TargetKind(row.target).label.lower()
    if row.kind == NotificationKind.BREACH:
        return f"SLA breached: {label} on #{ticket.number} {ticket.subject}"
    return f"SLA {row.percent}%: {label} on #{ticket.number} {ticket.subject}"


def _short(row: SlaNotification) -> str:
    if row.kind == NotificationKind.AUTOMATION:
        return f"#{row.ticket.number} {row.message.splitlines()[0]}"
    label = TargetKind(row.target).label.lower()
    if row.kind == NotificationKind.BREACH:
        return f"#{row.ticket.number} {label} breached"
    return f"#{row.ticket.number} {label} at {row.percent}%"


def _line(row: SlaNotification) -> str:
    return f"{_subject(row)}\n{row.message}\n{settings.SITE_URL}{_ticket_url(row.ticket)}\n"


def _digest_subject(rows: Sequence[SlaNotification]) -> str:
    return f"{len(rows)} SLA alerts on your tickets"


def _digest_body(rows: Sequence[SlaNotification]) -> str:
    header = f"{len(rows)} SLA alerts are waiting for you:\n\n"
    return header + "\n".join(_line(row) for row in rows)
