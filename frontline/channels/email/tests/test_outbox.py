"""The local outbox: with no mail server configured, outbound mail is kept as .eml files
that administrators read in the workspace; with EMAIL_HOST set it goes out for real."""

import email
import email.policy
import runpy
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from frontline import settings as frontline_settings
from frontline.channels.email import outbound
from frontline.channels.email.models import DeliveryStatus, OutboundMessage, Security
from frontline.channels.email.outbox import OUTBOX_BACKEND, SMTP_BACKEND
from frontline.channels.email.tests.mail import build, deliver
from frontline.core.actors import Actor
from frontline.tickets import services as ticket_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_mail_server(settings, tmp_path):
    """The embedded default: EMAIL_HOST empty, so Django's mail goes to the outbox."""
    settings.EMAIL_HOST = ""
    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    settings.FRONTLINE_OUTBOX_DIR = tmp_path / "outbox"
    return tmp_path / "outbox"


def shipped_settings():
    """frontline/settings.py evaluated afresh, as a new process would read it."""
    return runpy.run_path(str(Path(frontline_settings.__file__)))


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def delivered_reply(mailbox, agent, **extra):
    ticket = deliver(build(message_id="<req@example.test>"), mailbox).ticket
    assert ticket is not None
    message = ticket_services.reply_to_ticket(
        ticket, body="Try turning it off and on.", actor=Actor.for_user(agent), **extra
    )
    out = OutboundMessage.objects.get(ticket_message=message)
    outbound.deliver(out.pk)
    out.refresh_from_db()
    return ticket, out


def test_a_public_reply_is_kept_in_the_outbox_and_the_admin_reads_it(
    mailbox, agent, admin_user, no_mail_server
):
    ticket, out = delivered_reply(
        mailbox, agent, html='<p>Try <b>turning</b> it off.<script>alert("x")</script></p>'
    )

    assert out.status == DeliveryStatus.KEPT
    files = sorted(no_mail_server.glob("*.eml"))
    assert len(files) == 1
    kept = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert kept["To"] == "carla@example.test"
    assert kept["Message-ID"] == f"<{out.message_id}>"
    admin = signed_in(admin_user)
    listing = admin.get("/email/outbox/").content.decode()
    assert "carla@example.test" in listing
    assert f"Re: The printer stops [#{ticket.number}]" in listing
    assert f'href="/tickets/{ticket.number}/"' in listing
    detail = admin.get(f"/email/outbox/{files[0].name}/").content.decode()
    assert "carla@example.test" in detail
    assert "Try turning it off and on." in detail
    assert "<b>turning</b>" in detail
    assert "<script>" not in detail
    page = signed_in(agent).get(f"/tickets/{ticket.number}/").content.decode()
    assert "<strong>Kept in the local outbox</strong>" in page


def test_only_administrators_see_the_outbox_link(agent, admin_user, no_mail_server):
    assert 'href="/email/outbox/"' in signed_in(admin_user).get("/inbox/mine/").content.decode()
    assert 'href="/email/outbox/"' not in signed_in(agent).get("/inbox/mine/").content.decode()


def test_agents_customers_and_visitors_are_refused_the_outbox(
    mailbox, agent, supervisor, customer, no_mail_server
):
    delivered_reply(mailbox, agent)
    name = next(no_mail_server.glob("*.eml")).name

    for user in (agent, supervisor, customer.user):
        assert signed_in(user).get("/email/outbox/").status_code == 403
        assert signed_in(user).get(f"/email/outbox/{name}/").status_code == 403
    assert Client().get("/email/outbox/")["Location"].startswith("/accounts/sign-in/")


def test_a_name_outside_the_outbox_is_not_found(admin_user, no_mail_server, settings):
    (no_mail_server / "..").resolve().joinpath("secret.eml").write_text("From: x\n\nsecret")

    response = signed_in(admin_user).get("/email/outbox/..%2Fsecret.eml/")

    assert response.status_code == 404


def test_password_reset_mail_is_kept_too(agent, no_mail_server):
    Client().post("/accounts/password-reset/", {"email": agent.email})

    (kept,) = no_mail_server.glob("*.eml")
    assert "alice@frontline.test" in kept.read_text()


def test_the_default_backend_follows_email_host(monkeypatch):
    monkeypatch.delenv("EMAIL_BACKEND", raising=False)
    monkeypatch.delenv("EMAIL_HOST", raising=False)
    assert shipped_settings()["EMAIL_BACKEND"] == OUTBOX_BACKEND

    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
    assert shipped_settings()["EMAIL_BACKEND"] == SMTP_BACKEND


def test_with_email_host_set_the_reply_is_sent_for_real(
    mailbox, agent, smtp_sink, settings, tmp_path
):
    settings.FRONTLINE_OUTBOX_DIR = tmp_path / "outbox"

    _, out = delivered_reply(mailbox, agent)

    assert out.status == DeliveryStatus.SENT
    assert [m["Message-ID"] for m in smtp_sink.messages()] == [f"<{out.message_id}>"]
    assert not (tmp_path / "outbox").exists()


def test_a_mailbox_with_its_own_server_sends_through_it_while_the_default_keeps(
    mailbox, agent, smtp_sink, no_mail_server
):
    mailbox.smtp_host, mailbox.smtp_port = "127.0.0.1", smtp_sink.port
    mailbox.smtp_security = Security.NONE
    mailbox.save(update_fields=["smtp_host", "smtp_port", "smtp_security"])

    _, out = delivered_reply(mailbox, agent)

    assert out.status == DeliveryStatus.SENT
    assert [m["Message-ID"] for m in smtp_sink.messages()] == [f"<{out.message_id}>"]
    assert not no_mail_server.exists()


def test_frontline_run_says_once_where_mail_is_kept(no_mail_server, capsys):
    call_command("run", "--no-serve", "--no-demo")

    out = capsys.readouterr().out
    assert out.count("outbound mail is kept in") == 1
    assert str(no_mail_server) in out
