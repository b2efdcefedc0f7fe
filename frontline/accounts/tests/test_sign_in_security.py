"""Workspace sign-in and password reset under attack: links on SITE_URL whatever the Host,
throttling per account and per client address, one answer for every wrong combination."""

import logging
import re
from datetime import timedelta

import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from frontline.accounts.services import UserFields, update_staff_user
from frontline.core.actors import Actor
from frontline.testing import factories

PASSWORD = "correct horse battery"
LOCKED_TEXT = "Too many attempts"


def sign_in(email, password, *, ip="127.0.0.1", client=None):
    return (client or Client()).post(
        "/accounts/sign-in/", {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def ask_for_reset(email, *, ip="127.0.0.1", host="testserver"):
    return Client().post(
        "/accounts/password-reset/", {"email": email}, REMOTE_ADDR=ip, HTTP_HOST=host
    )


def failures_logged(caplog):
    return [r for r in caplog.records if r.getMessage() == "accounts.sign_in.failed"]


def test_a_reset_asked_for_under_another_host_mails_a_link_on_site_url(agent, settings):
    settings.SITE_URL = "https://help.example.com"

    response = ask_for_reset(agent.email, host="evil.example")

    assert response.status_code == 302
    body = str(mail.outbox[0].body)
    assert "evil.example" not in body
    match = re.search(r"https://help\.example\.com(/accounts/reset/\S+/)", body)
    assert match is not None
    assert Client().get(match.group(1))["Location"].endswith("/set-password/")


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(agent, settings, caplog):
    settings.FRONTLINE_SIGN_IN_FAILURES_PER_ACCOUNT = 5
    wrong = [sign_in(agent.email, f"guess {n}") for n in range(5)]
    client = Client()

    locked = sign_in(agent.email, PASSWORD, client=client)

    assert {r.status_code for r in wrong} == {200}
    assert locked.status_code == 429
    assert LOCKED_TEXT in locked.content.decode()
    assert "Wait 15 minutes" in locked.content.decode()
    assert locked["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    assert len(failures_logged(caplog)) == 5
    record = failures_logged(caplog)[0]
    assert (record.email, record.ip, record.reason) == (agent.email, "127.0.0.1", "wrong_password")
    assert record.levelno == logging.WARNING


def test_the_lockout_counts_the_address_however_it_is_typed(agent, settings):
    settings.FRONTLINE_SIGN_IN_FAILURES_PER_ACCOUNT = 2
    sign_in("Alice@Frontline.test", "guess")
    sign_in(" alice@frontline.test", "guess")

    assert sign_in("ALICE@frontline.test", PASSWORD).status_code == 429


def test_the_lockout_ends_with_the_window(agent, settings):
    settings.FRONTLINE_SIGN_IN_FAILURES_PER_ACCOUNT = 2
    settings.FRONTLINE_SIGN_IN_WINDOW_SECONDS = 600
    sign_in(agent.email, "guess")
    sign_in(agent.email, "guess")
    assert sign_in(agent.email, PASSWORD).status_code == 429

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = sign_in(agent.email, PASSWORD)

    assert response.status_code == 302


def test_signing_in_clears_the_accounts_failures(agent, settings):
    settings.FRONTLINE_SIGN_IN_FAILURES_PER_ACCOUNT = 3
    sign_in(agent.email, "guess")
    sign_in(agent.email, "guess")
    assert sign_in(agent.email, PASSWORD).status_code == 302

    sign_in(agent.email, "guess")
    sign_in(agent.email, "guess")

    assert sign_in(agent.email, PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_is_locked_out(agent, teammate, settings):
    settings.FRONTLINE_SIGN_IN_FAILURES_PER_IP = 3
    for email in ("a@frontline.test", "b@frontline.test", teammate.email):
        sign_in(email, "guess", ip="203.0.113.9")

    from_there = sign_in(agent.email, PASSWORD, ip="203.0.113.9")
    from_elsewhere = sign_in(agent.email, PASSWORD, ip="198.51.100.4")

    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 302


def test_an_ipv6_attacker_cannot_dodge_the_limit_within_its_network(agent, settings):
    settings.FRONTLINE_SIGN_IN_FAILURES_PER_IP = 2
    sign_in("a@frontline.test", "guess", ip="2001:db8:1:2::10")
    sign_in("b@frontline.test", "guess", ip="2001:db8:1:2::11")

    assert sign_in(agent.email, PASSWORD, ip="2001:db8:1:2::12").status_code == 429
    assert sign_in(agent.email, PASSWORD, ip="2001:db8:1:3::12").status_code == 302


def test_behind_a_proxy_the_address_it_names_is_counted(agent, settings):
    settings.FRONTLINE_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.FRONTLINE_SIGN_IN_FAILURES_PER_IP = 2

    def via_proxy(email, password, forwarded_for):
        return Client().post(
            "/accounts/sign-in/",
            {"username": email, "password": password},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    # The client may prepend anything; the proxy appends what it saw, last.
    via_proxy("a@frontline.test", "guess", "1.1.1.1, 203.0.113.9")
    via_proxy("b@frontline.test", "guess", "2.2.2.2, 203.0.113.9")

    assert via_proxy(agent.email, PASSWORD, "3.3.3.3, 203.0.113.9").status_code == 429
    assert via_proxy(agent.email, PASSWORD, "203.0.113.10").status_code == 302


def test_every_wrong_combination_gets_the_same_answer_and_a_logged_reason(db, caplog):
    gone = factories.make_agent(email="gone@frontline.test")
    update_staff_user(gone, fields=UserFields(is_active=False), actor=Actor.system())
    factories.make_agent(email="here@frontline.test")

    answers = [
        sign_in("nobody@frontline.test", PASSWORD),
        sign_in("gone@frontline.test", PASSWORD),
        sign_in("here@frontline.test", "wrong"),
    ]

    assert {a.status_code for a in answers} == {200}
    for answer in answers:
        assert "do not match an active account" in answer.content.decode()
    reasons = [r.reason for r in failures_logged(caplog)]
    assert reasons == ["unknown_account", "inactive_account", "wrong_password"]


def test_reset_mails_are_rationed_per_address_known_or_not(agent, settings):
    settings.FRONTLINE_MAIL_LINKS_PER_ADDRESS = 3
    asked = [ask_for_reset(agent.email) for _ in range(3)]
    unknown = [ask_for_reset("nobody@frontline.test") for _ in range(3)]

    refused, refused_unknown = ask_for_reset(agent.email), ask_for_reset("nobody@frontline.test")

    assert {r.status_code for r in asked + unknown} == {302}
    assert (refused.status_code, refused_unknown.status_code) == (429, 429)
    assert LOCKED_TEXT in refused.content.decode()
    assert len(mail.outbox) == 3


def test_reset_mails_are_rationed_per_client_address(agent, settings, caplog):
    settings.FRONTLINE_MAIL_LINKS_PER_IP = 2
    ask_for_reset("a@frontline.test", ip="203.0.113.9")
    ask_for_reset("b@frontline.test", ip="203.0.113.9")

    refused = ask_for_reset(agent.email, ip="203.0.113.9")
    elsewhere = ask_for_reset(agent.email, ip="198.51.100.4")

    assert refused.status_code == 429
    assert elsewhere.status_code == 302
    assert [m.to for m in mail.outbox] == [[agent.email]]
    throttled = [r for r in caplog.records if r.getMessage() == "accounts.mail_link.throttled"]
    assert [(r.kind, r.ip, r.limit) for r in throttled] == [
        ("password_reset", "203.0.113.9", "password_reset.ip")
    ]
