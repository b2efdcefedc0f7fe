"""Mutated messages (hypothesis): the parser may make little of them, the pipeline may
quarantine them, but nothing raises and the raw bytes are always kept as received."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontline.channels.email import ingest
from frontline.channels.email.models import InboundStatus, Outcome, Source
from frontline.channels.email.parsing import parse_message
from frontline.channels.email.quotes import split_html_reply, split_reply
from frontline.core.actors import Actor

SEEDS = [
    b"From: =?utf-8?q?Ren=C3=A9e?= <renee@example.test>\r\nTo: support@example.test\r\n"
    b"Subject: =?iso-8859-1?b?Q2Fm6Q==?=\r\nMessage-ID: <s1@example.test>\r\n"
    b"References: <r1@x> <r2@x>\r\n\r\nHello,\r\n\r\nOn Mon, Bob <b@x.test> wrote:\r\n> hi\r\n",
    b"From: carla@example.test\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
    b"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
    b"quoted-printable\r\n\r\nCaf=C3=A9 =\r\nsoft\r\n--b\r\nContent-Type: text/html\r\n\r\n"
    b"<blockquote>old</blockquote><p>new</p>\r\n--b--\r\n",
    b"From: carla@example.test\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
    b"--m\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--m\r\nContent-Type: "
    b"application/pdf; name*=utf-8''R%C3%A9sum%C3%A9.pdf\r\nContent-Transfer-Encoding: "
    b"base64\r\n\r\nJVBERi0xLjQK\r\n--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@y.z\r\n"
    b"Subject: inner\r\n\r\ninner body\r\n--m--\r\n",
    b"From: MAILER-DAEMON@mx.example.test\r\nContent-Type: multipart/report; "
    b"report-type=delivery-status; boundary=r\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\n"
    b"failed\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n"
    b"\r\nFinal-Recipient: rfc822; a@b.c\r\nAction: failed\r\nStatus: 5.1.1\r\n--r--\r\n",
    b"From: c@example.test\r\nContent-Type: multipart/signed; boundary=s\r\n\r\n--s\r\n"
    b"Content-Type: application/pkcs7-mime; smime-type=signed-data\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEF\r\n"
    b'--s\r\nContent-Type: application/ms-tnef\r\n\r\nx\x9f>"\x01\x00\r\n--s--\r\n',
]
TOKENS = [
    b"=?", b"?=", b"=?utf-8?b?", b"=?x-unknown?q?", b"--", b"\r\n", b"\r\n\r\n", b"\n\n",
    b"boundary=", b"charset=", b";", b'"', b"<", b">", b"@", b"\x00", b"\xff\xfe", b"\xc3",
    b"Content-Type: multipart/mixed; boundary=\r\n", b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Type: message/rfc822\r\n", b"Content-Type: text/plain; charset=utf-16\r\n",
    b"From: ", b"Subject: ", b"References: <", b">\r\n", b"=\r\n", b"=3D", b"\t", b" " * 80,
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        operation = draw(st.sampled_from(["flip", "insert", "token", "delete", "cut", "repeat"]))
        at = draw(st.integers(0, len(raw)))
        if operation == "flip" and at < len(raw):
            raw[at] = draw(st.integers(0, 255))
        elif operation == "insert":
            raw[at:at] = draw(st.binary(max_size=30))
        elif operation == "token":
            raw[at:at] = draw(st.sampled_from(TOKENS))
        elif operation == "delete":
            del raw[at : at + draw(st.integers(1, 40))]
        elif operation == "cut":
            del raw[at:]
        else:
            raw[at:at] = raw[at : at + draw(st.integers(1, 60))] * draw(st.integers(1, 4))
    return bytes(raw)


@settings(max_examples=300, deadline=None)
@given(raw=mutated())
def test_the_parser_never_raises(raw):
    parsed = parse_message(raw)

    split_reply(parsed.text)
    split_html_reply(parsed.html)
    for text in (parsed.subject, parsed.text, parsed.html, *parsed.headers.values()):
        assert "\x00" not in text
        text.encode("utf-8")  # storable: no lone surrogates


@pytest.mark.django_db
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=mutated())
def test_the_pipeline_keeps_every_mutated_message(mailbox, raw):
    received = ingest.ingest(raw, mailbox=mailbox, source=Source.IMPORT, actor=Actor.system())

    inbound = received.inbound
    inbound.refresh_from_db()
    assert ingest.read_raw(inbound) == raw
    assert inbound.status in (InboundStatus.PROCESSED, InboundStatus.IGNORED, InboundStatus.FAILED)
    assert inbound.outcome
    assert inbound.status == InboundStatus.PROCESSED or inbound.error
    assert inbound.outcome != Outcome.ERROR, inbound.error
