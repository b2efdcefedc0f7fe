import re
from datetime import timedelta

import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from frontline.channels.portal.models import SignInLink
from frontline.testing import factories


def ask_for_link(client, email):
    return client.post("/portal/sign-in/", {"method": "link", "email": email})


def link_in(message):
    match = re.search(r"http://testserver(/portal/sign-in/\S+/)", str(message.body))
    assert match is not None
    return match.group(1)


def test_a_customer_signs_in_with_an_emailed_link(customer, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        sent = ask_for_link(client, "Carla@Example.test")

    assert "If <strong>Carla@Example.test</strong> is an address we know" in sent.content.decode()
    assert mail.outbox[0].to == ["carla@example.test"]
    link = link_in(mail.outbox[0])
    stored = SignInLink.objects.get()
    assert stored.secret_hash not in link
    confirm = client.get(link)
    assert "Continue as <strong>carla@example.test</strong>" in confirm.content.decode()
    assert SignInLink.objects.get().used_at is None
    signed_in = client.post(link)
    assert signed_in["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    assert "not valid any more" in Client().post(link).content.decode()


def test_a_customer_without_a_login_gets_one_on_first_sign_in(
    db, django_capture_on_commit_callbacks
):
    person = factories.make_customer(email="new@example.test")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_link(client, "new@example.test")

    client.post(link_in(mail.outbox[0]))

    person.refresh_from_db()
    assert person.user is not None
    assert not person.user.has_usable_password()
    assert client.get("/portal/").status_code == 200


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_for_link(Client(), "stranger@example.test")

    assert "is an address we know" in response.content.decode()
    assert mail.outbox == []


def test_links_expire(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_link(Client(), customer.user.email)
    link = link_in(mail.outbox[0])

    with time_machine.travel(timezone.now() + timedelta(minutes=21)):
        response = Client().post(link)

    assert "not valid any more" in response.content.decode()


def test_a_tampered_link_is_refused(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_link(Client(), customer.user.email)
    link = link_in(mail.outbox[0])
    # Change one character inside the token itself (the path prefix is 16 characters).
    tampered = link[:20] + ("A" if link[20] != "A" else "B") + link[21:]

    assert "used already or has expired" in Client().get(tampered).content.decode()
    assert "not valid any more" in Client().post(tampered).content.decode()


def test_links_are_rationed_per_address(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [ask_for_link(Client(), customer.user.email) for _ in range(7)]

    assert len(mail.outbox) == 5
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2


def test_a_staff_address_gets_no_portal_login(agent, django_capture_on_commit_callbacks):
    factories.make_customer(email=agent.email)
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_link(Client(), agent.email)

    response = Client().post(link_in(mail.outbox[0]))

    assert "belongs to a staff account" in response.content.decode()


def test_a_customer_signs_in_with_a_password(customer):
    client = Client()

    response = client.post(
        "/portal/sign-in/",
        {
            "method": "password",
            "username": "carla@example.test",
            "password": "correct horse battery",
        },
    )

    assert response["Location"] == "/portal/"


def test_a_wrong_password_is_refused(customer):
    response = Client().post(
        "/portal/sign-in/",
        {"method": "password", "username": "carla@example.test", "password": "wrong"},
    )

    assert "do not match" in response.content.decode()


def test_a_customer_sets_a_password(customer):
    client = Client()
    client.force_login(customer.user)

    client.post(
        "/portal/account/",
        {"new_password1": "my new long passphrase", "new_password2": "my new long passphrase"},
    )

    customer.user.refresh_from_db()
    assert customer.user.check_password("my new long passphrase")
    assert client.get("/portal/").status_code == 200


def test_sign_in_forms_need_a_csrf_token(customer):
    client = Client(enforce_csrf_checks=True)

    assert ask_for_link(client, customer.user.email).status_code == 403


def sign_in_with_password(email, password, *, ip="127.0.0.1", client=None):
    return (client or Client()).post(
        "/portal/sign-in/",
        {"method": "password", "username": email, "password": password},
        REMOTE_ADDR=ip,
    )


def without_csrf_token(response):
    """The page without its CSRF tokens (64 characters, new on every page)."""
    return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())


def test_a_staff_password_on_the_portal_looks_exactly_like_a_wrong_one(agent, caplog):
    client = Client()

    right = sign_in_with_password(agent.email, "correct horse battery", client=client)
    wrong = sign_in_with_password(agent.email, "not the password")

    assert right.status_code == wrong.status_code == 200
    assert without_csrf_token(right) == without_csrf_token(wrong)
    assert "That email address and password do not match." in right.content.decode()
    assert "_auth_user_id" not in client.session
    reasons = [r.reason for r in caplog.records if r.getMessage() == "accounts.sign_in.failed"]
    assert reasons == ["staff_account", "wrong_password"]


def test_a_link_asked_for_under_another_host_points_at_site_url(
    customer, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://help.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            "/portal/sign-in/",
            {"method": "link", "email": customer.user.email},
            HTTP_HOST="evil.example",
        )

    body = str(mail.outbox[0].body)
    assert "evil.example" not in body
    match = re.search(r"https://help\.example\.com(/portal/sign-in/\S+/)", body)
    assert match is not None
    assert Client().post(match.group(1))["Location"] == "/portal/"


def test_wrong_passwords_lock_the_portal_account(customer, settings):
    settings.FRONTLINE_SIGN_IN_FAILURES_PER_ACCOUNT = 3
    for n in range(3):
        sign_in_with_password(customer.user.email, f"guess {n}")
    client = Client()

    locked = sign_in_with_password(customer.user.email, "correct horse battery", client=client)

    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert locked["Retry-After"] == str(settings.FRONTLINE_SIGN_IN_WINDOW_SECONDS)
    assert "_auth_user_id" not in client.session


def test_failures_on_either_form_count_together(customer, settings):
    settings.FRONTLINE_SIGN_IN_FAILURES_PER_ACCOUNT = 2
    sign_in_with_password(customer.user.email, "guess")
    Client().post("/accounts/sign-in/", {"username": customer.user.email, "password": "guess"})

    assert sign_in_with_password(customer.user.email, "correct horse battery").status_code == 429


def test_link_mails_are_rationed_per_client_address(
    customer, other_customer, settings, django_capture_on_commit_callbacks
):
    settings.FRONTLINE_MAIL_LINKS_PER_IP = 2
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("stranger@example.test", customer.user.email):
            Client().post(
                "/portal/sign-in/", {"method": "link", "email": email}, REMOTE_ADDR="203.0.113.9"
            )
        refused = Client().post(
            "/portal/sign-in/",
            {"method": "link", "email": other_customer.user.email},
            REMOTE_ADDR="203.0.113.9",
        )

    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert [m.to for m in mail.outbox] == [[customer.user.email]]
