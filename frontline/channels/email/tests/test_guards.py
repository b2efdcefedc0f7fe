"""Loop and noise guards: which mail is machine-written, answerable, or too big."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from frontline.channels.email import guards
from frontline.channels.email.guards import MailKind
from frontline.channels.email.models import Outcome
from frontline.channels.email.parsing import parse_message
from frontline.channels.email.tests.mail import build, deliver

OWN = frozenset({"support@example.test"})


def kind_of(raw: bytes) -> MailKind:
    return guards.classify(parse_message(raw), own_addresses=OWN).kind


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        ({}, MailKind.PERSON),
        ({"Auto-Submitted": "no"}, MailKind.PERSON),
        ({"Auto-Submitted": "auto-replied"}, MailKind.AUTO_REPLY),
        ({"X-Autorespond": "yes"}, MailKind.AUTO_REPLY),
        ({"X-Auto-Response-Suppress": "OOF, AutoReply"}, MailKind.AUTO_REPLY),
        ({"Precedence": "junk"}, MailKind.BULK),
        ({"List-Unsubscribe": "<mailto:leave@lists.example.test>"}, MailKind.BULK),
        ({"X-Failed-Recipients": "gone@example.test"}, MailKind.BOUNCE),
    ],
)
def test_headers_decide_the_kind(headers, kind):
    assert kind_of(build(headers=headers)) == kind


@pytest.mark.parametrize(
    ("sender", "subject", "kind"),
    [
        ("MAILER-DAEMON@mx.example.test", "anything", MailKind.BOUNCE),
        ("postmaster@mx.example.test", "Undeliverable: your order", MailKind.BOUNCE),
        ("postmaster@mx.example.test", "A question about DNS", MailKind.PERSON),
        ("carla@example.test", "Automatic reply: out of the office", MailKind.AUTO_REPLY),
        ("carla@example.test", "Abwesenheitsnotiz", MailKind.AUTO_REPLY),
        ("Support <SUPPORT@example.test>", "Re: loop", MailKind.OWN),
    ],
)
def test_senders_and_subjects_decide_the_kind(sender, subject, kind):
    assert kind_of(build(sender=sender, subject=subject)) == kind


def test_a_declared_report_without_its_parts_is_still_a_bounce():
    raw = b"From: x@example.test\nContent-Type: multipart/report; report-type=delivery-status\n\n"

    assert kind_of(raw) == MailKind.BOUNCE


def test_only_a_person_is_answered_and_machines_are_marked_automatic():
    verdicts = {kind: guards.Verdict(kind, "") for kind in (MailKind.PERSON, MailKind.AUTO_REPLY)}

    assert verdicts[MailKind.PERSON].may_acknowledge
    assert not verdicts[MailKind.AUTO_REPLY].may_acknowledge
    assert verdicts[MailKind.AUTO_REPLY].is_automatic
    assert not guards.Verdict(MailKind.BOUNCE, "").opens_ticket


def test_size_limits(settings):
    settings.FRONTLINE_EMAIL_MAX_MESSAGE_BYTES = 10
    settings.FRONTLINE_MAX_ATTACHMENT_BYTES = 3
    big = parse_message(build(attachments=(("big.bin", b"12345", "application/octet-stream"),)))

    assert guards.size_breach(10) is None
    breach = guards.size_breach(11)
    assert breach is not None
    assert breach.outcome == Outcome.TOO_LARGE
    attachment = guards.attachment_breach(big)
    assert attachment is not None
    assert "big.bin" in attachment.detail


def test_the_autoreply_limit_is_per_address_per_hour(mailbox, settings):
    settings.FRONTLINE_EMAIL_AUTOREPLY_LIMIT = 1
    deliver(build(subject="one"), mailbox)

    assert not guards.within_autoreply_limit("CARLA@example.test")
    assert guards.within_autoreply_limit("dave@example.test")
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert guards.within_autoreply_limit("carla@example.test")
