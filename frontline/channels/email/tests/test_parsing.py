"""Parsing rules, one small hand-written message each."""

import base64
import struct
import time

from frontline.channels.email.charsets import decode_text, unsurrogate
from frontline.channels.email.formats import signed_content
from frontline.channels.email.parsing import original_message_id, parse_message


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8", "surrogateescape")


def test_plain_message_headers_and_body():
    parsed = parse_message(
        b"From: =?utf-8?q?Ren=C3=A9e_M=C3=BCller?= <Renee@Example.TEST>\n"
        b"To: support@example.test, Bob <bob@example.test>\n"
        b"Cc: carol@example.test\n"
        b"Subject: =?iso-8859-1?q?Caf=E9_ferm=E9?=\n"
        b"Date: Mon, 23 Nov 2026 09:30:00 -0000\n"
        b"Message-ID: <abc@example.test>\n"
        b"In-Reply-To: <p2@example.test>\n"
        b"References: <root@example.test> <p1@example.test>\n"
        b"\n"
        b"Hello\n"
    )

    assert parsed.sender is not None
    assert parsed.date is not None
    assert parsed.sender.name == "Renée Müller"
    assert parsed.sender.normalised == "renee@example.test"
    assert [a.address for a in parsed.to] == ["support@example.test", "bob@example.test"]
    assert parsed.cc[0].address == "carol@example.test"
    assert parsed.subject == "Café fermé"
    assert parsed.message_id == "abc@example.test"
    assert parsed.thread_ids == ("p2@example.test", "p1@example.test", "root@example.test")
    assert parsed.date.isoformat() == "2026-11-23T09:30:00+00:00"
    assert parsed.text == "Hello\n"


def test_part_declared_ascii_carrying_utf8_is_read_as_utf8():
    parsed = parse_message(
        "Content-Type: text/plain; charset=us-ascii\n\nGrüße aus Köln\n".encode()
    )

    assert parsed.text.strip() == "Grüße aus Köln"


def test_part_declared_ascii_carrying_latin1_is_read_without_loss():
    parsed = parse_message(b"Content-Type: text/plain; charset=us-ascii\n\nCaf\xe9 cr\xe8me\n")

    assert parsed.text.strip() == "Café crème"


def test_unknown_charset_falls_back_to_utf8_then_windows_1252():
    utf8 = parse_message("Content-Type: text/plain; charset=x-bogus\n\n€ 10\n".encode())
    cp1252 = parse_message(b"Content-Type: text/plain; charset=x-bogus\n\n\x80 10\n")

    assert utf8.text.strip() == "€ 10"
    assert cp1252.text.strip() == "€ 10"


def test_undecodable_bytes_are_kept_as_latin1_never_dropped():
    assert decode_text(b"\x81\x8d\x8f", "utf-8") == "\x81\x8d\x8f"


def test_charsets_python_names_differently():
    assert decode_text("회의".encode("cp949"), "ks_c_5601-1987") == "회의"
    assert decode_text("中文邮件".encode("gb18030"), "gb2312") == "中文邮件"
    assert decode_text("①番".encode("cp932"), "shift_jis") == "①番"


def test_iso_2022_jp_with_outlook_extensions():
    circled_one = b"\x1b$B-!\x1b(B"  # NEC row 13: Python's iso-2022-jp refuses it

    assert decode_text(circled_one + b" 1", "iso-2022-jp") == "① 1"


def test_raw_8bit_header_and_nul_are_cleaned():
    parsed = parse_message(b"From: a@example.test\nSubject: caf\xc3\xa9 \x00menu\n\nbody\x00\n")

    assert parsed.subject == "café menu"
    assert parsed.text == "body\n"
    assert unsurrogate("a\udce9") == "aé"


def test_rfc2231_filename():
    parsed = parse_message(
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee file\n"
        b"--b\nContent-Type: application/pdf\n"
        b"Content-Disposition: attachment; filename*=utf-8''Rechnung%20M%C3%A4rz.pdf\n"
        b"Content-Transfer-Encoding: base64\n\n" + base64.b64encode(b"%PDF") + b"\n--b--\n"
    )

    assert parsed.attachments[0].filename == "Rechnung März.pdf"
    assert parsed.attachments[0].content == b"%PDF"


def test_alternative_prefers_text_and_keeps_html():
    parsed = parse_message(
        b"Content-Type: multipart/alternative; boundary=b\n\n"
        b"--b\nContent-Type: text/plain\n\nPlain words\n"
        b"--b\nContent-Type: text/html\n\n<p>Rich <b>words</b></p>\n--b--\n"
    )

    assert parsed.text.strip() == "Plain words"
    assert parsed.html.strip() == "<p>Rich <b>words</b></p>"
    assert parsed.attachments == ()


def test_related_inline_image_keeps_its_content_id():
    png = base64.b64encode(b"\x89PNG....")
    parsed = parse_message(
        b"Content-Type: multipart/related; boundary=r\n\n"
        b'--r\nContent-Type: text/html\n\n<img src="cid:logo@x">\n'
        b"--r\nContent-Type: image/png\nContent-ID: <logo@x>\n"
        b"Content-Transfer-Encoding: base64\n\n" + png + b"\n--r--\n"
    )

    image = parsed.attachments[0]
    assert (image.content_id, image.inline, image.content) == ("logo@x", True, b"\x89PNG....")
    assert 'src="cid:logo@x"' in parsed.html


def test_attached_message_is_kept_as_an_eml_file():
    parsed = parse_message(
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nFYI\n"
        b"--b\nContent-Type: message/rfc822\n\n"
        b"From: x@example.test\nSubject: Old news\nMessage-ID: <old@x>\n\nOld body\n--b--\n"
    )

    attached = parsed.attachments[0]
    assert (attached.filename, attached.content_type) == ("Old news.eml", "message/rfc822")
    assert b"Old body" in attached.content
    assert parsed.text.strip() == "FYI"


def test_a_message_that_only_forwards_another_shows_the_forwarded_text():
    parsed = parse_message(
        b"From: a@example.test\nContent-Type: message/rfc822\n\n"
        b"From: x@example.test\nSubject: Inner\n\nThe inner text\n"
    )

    assert parsed.text.strip() == "The inner text"


def test_smime_detached_signature_is_kept_and_body_read():
    parsed = parse_message(
        b'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=s\n\n'
        b"--s\nContent-Type: text/plain\n\nSigned words\n"
        b"--s\nContent-Type: application/pkcs7-signature; name=smime.p7s\n"
        b"Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHAqCAMIACAQE=\n--s--\n"
    )

    assert parsed.text.strip() == "Signed words"
    assert [a.filename for a in parsed.attachments] == ["smime.p7s"]


def test_pgp_mime_signature_is_kept_and_body_read():
    parsed = parse_message(
        b'Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary=s\n\n'
        b"--s\nContent-Type: text/plain\n\nSigned words\n"
        b"--s\nContent-Type: application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\n"
        b"iQEz\n-----END PGP SIGNATURE-----\n--s--\n"
    )

    assert parsed.text.strip() == "Signed words"
    assert parsed.attachments[0].filename == "signature.asc"


def test_inline_pgp_signed_text_is_unwrapped():
    parsed = parse_message(
        b"Content-Type: text/plain\n\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
        b"Please reset it.\n-----BEGIN PGP SIGNATURE-----\n\niQEz\n-----END PGP SIGNATURE-----\n"
    )

    assert parsed.text.strip() == "Please reset it."
    assert parsed.attachments[0].filename == "signature.asc"


def der(tag: int, content: bytes) -> bytes:
    if len(content) < 0x80:
        return bytes([tag, len(content)]) + content
    size = len(content).to_bytes(2, "big")
    return bytes([tag, 0x82]) + size + content


def test_opaque_smime_signed_content_is_read():
    inner = b"Content-Type: text/plain\r\n\r\nOpaque words\r\n"
    encapsulated = der(0x30, bytes.fromhex("06092a864886f70d010701") + der(0xA0, der(0x04, inner)))
    signed_data = der(0x30, der(0x02, b"\x01") + der(0x31, b"") + encapsulated)
    blob = der(0x30, bytes.fromhex("06092a864886f70d010702") + der(0xA0, signed_data))
    parsed = parse_message(
        b"Content-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\n"
        b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(blob)
    )

    assert signed_content(blob) == inner
    assert parsed.text.strip() == "Opaque words"
    assert parsed.attachments[0].filename == "smime.p7m"


def test_encrypted_content_is_kept_as_attachments():
    parsed = parse_message(
        b'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=e\n\n'
        b"--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
        b"--e\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n--e--\n"
    )

    assert len(parsed.attachments) == 2
    assert "EncryptedContent" in parsed.defects


def tnef_object(level: int, name: int, kind: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", checksum)


def test_winmail_dat_is_unpacked():
    tnef = (
        struct.pack("<IH", 0x223E9F78, 1)
        + tnef_object(1, 0x9006, 8, struct.pack("<I", 0x10000))
        + tnef_object(1, 0x800C, 2, b"Body from Outlook")
        + tnef_object(2, 0x9002, 6, b"\x00" * 14)
        + tnef_object(2, 0x8010, 1, b"report.txt\x00")
        + tnef_object(2, 0x800F, 6, b"quarterly figures")
    )
    parsed = parse_message(
        b"Content-Type: multipart/mixed; boundary=b\n\n"
        b"--b\nContent-Type: application/ms-tnef; name=winmail.dat\n"
        b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(tnef) + b"--b--\n"
    )

    assert parsed.text.strip() == "Body from Outlook"
    assert [(a.filename, a.content) for a in parsed.attachments] == [
        ("report.txt", b"quarterly figures")
    ]


def test_unreadable_winmail_dat_is_kept_whole():
    parsed = parse_message(
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n"
        b"--b\nContent-Type: application/ms-tnef; name=winmail.dat\n\nnot tnef at all\n--b--\n"
    )

    assert parsed.attachments[0].filename == "winmail.dat"
    assert "UnreadableTnef" in parsed.defects


def test_calendar_invite_is_summarised_and_attached():
    parsed = parse_message(
        b"Content-Type: text/calendar; method=REQUEST\n\nBEGIN:VCALENDAR\nMETHOD:REQUEST\n"
        b"BEGIN:VEVENT\nSUMMARY:Quarterly review\nDTSTART:20261201T100000Z\n"
        b"LOCATION:Room 4\nEND:VEVENT\nEND:VCALENDAR\n"
    )

    assert parsed.calendar == ("Calendar request: 20261201T100000Z, Room 4, Quarterly review")
    assert parsed.attachments[0].filename == "invite.ics"


def test_empty_body_and_missing_headers():
    parsed = parse_message(b"X-Nothing: here\n\n")

    assert (parsed.sender, parsed.subject, parsed.message_id, parsed.text) == (None, "", "", "")
    assert parsed.date is None


def test_broken_address_header_falls_back_without_failing():
    parsed = parse_message(b'From: "unclosed <a@example.test>\nTo: ,,,@,\n\nbody\n')

    assert parsed.sender is not None
    assert parsed.sender.address == "a@example.test"
    assert parsed.to == ()


def test_sender_header_when_from_is_missing():
    parsed = parse_message(b"Sender: list-bot@example.test\n\nbody\n")

    assert parsed.sender is not None
    assert parsed.sender.address == "list-bot@example.test"


def test_message_id_without_brackets():
    assert parse_message(b"Message-ID: bare-id@example.test\n\nx\n").message_id == (
        "bare-id@example.test"
    )


def test_multipart_without_boundary_shows_its_body():
    parsed = parse_message(b"Content-Type: multipart/mixed\n\nThe body is still here\n")

    assert "The body is still here" in parsed.text


def test_a_huge_header_parses_quickly():
    subject = b"Subject: " + b" ".join([b"=?utf-8?q?caf=C3=A9?="] * 20000) + b"\n"
    started = time.perf_counter()

    parsed = parse_message(subject + b"\nbody\n")

    assert time.perf_counter() - started < 1
    # Space between encoded words is not part of the text (RFC 2047, 6.2).
    assert parsed.subject.startswith("cafécafé")
    assert parsed.subject.endswith("café")


def test_delivery_status_notification():
    parsed = parse_message(
        b"From: MAILER-DAEMON@example.test\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n"
        b"--r\nContent-Type: text/plain\n\nYour mail could not be delivered.\n"
        b"--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.test\n\n"
        b"Final-Recipient: rfc822; Gone@Example.test\nAction: failed\nStatus: 5.1.1\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 no such user\n"
        b"--r\nContent-Type: text/rfc822-headers\n\nMessage-ID: <ours@frontline.test>\n--r--\n"
    )

    report = parsed.report
    assert report is not None
    assert (report.kind, report.recipients, report.status) == (
        "delivery",
        ("gone@example.test",),
        "5.1.1",
    )
    assert report.is_failure
    assert original_message_id(parsed) == "ours@frontline.test"


def test_feedback_report():
    parsed = parse_message(
        b"Content-Type: multipart/report; report-type=feedback-report; boundary=r\n\n"
        b"--r\nContent-Type: text/plain\n\nThis is an abuse report.\n"
        b"--r\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
        b"Original-Rcpt-To: carla@example.test\n"
        b"--r\nContent-Type: message/rfc822\n\nMessage-ID: <ours@frontline.test>\n\nhi\n--r--\n"
    )

    report = parsed.report
    assert report is not None
    assert (report.kind, report.action, report.recipients) == (
        "feedback",
        "abuse",
        ("carla@example.test",),
    )
    assert original_message_id(parsed) == "ours@frontline.test"


def test_a_header_the_modern_parser_chokes_on_falls_back_to_compat32():
    parsed = parse_message(
        b"From: carla@example.test\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
        b"--m\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--m\r\n"
        b"Content-Type: application/pdf; name*\r\n=utf-8''R%C3%A9sum%C3%A9.pdf\r\n\r\n"
        b"%PDF\r\n--m--\r\n"
    )

    assert parsed.text.strip() == "see attached"
    assert parsed.sender is not None
    assert "ModernParserFailed" in parsed.defects
    assert len(parsed.attachments) == 1
