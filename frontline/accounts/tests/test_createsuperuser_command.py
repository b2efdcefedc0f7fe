"""`frontline createsuperuser --noinput`, run as the README shows it."""

import pytest
from django.db import connections
from django.test import Client
from django.utils import log

from frontline.accounts.models import Role, User
from frontline.cli import main


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch):
    # A command run from argv closes every connection when it ends, which would take the
    # test's transaction with it.
    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture(autouse=True)
def _keep_logging(monkeypatch):
    # Run from argv, Django sets itself up again, logging included: its console handler
    # would write to this test's captured stderr, closed once the test ends.
    monkeypatch.setattr(log, "configure_logging", lambda *args: None)


@pytest.fixture
def superuser_env(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Ops@Example.test")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long admin passphrase")
    monkeypatch.delenv("DJANGO_SUPERUSER_NAME", raising=False)


def frontline(*args):
    return main(["frontline", *args])


def test_the_two_readme_variables_make_an_administrator_who_signs_in(db, superuser_env, capsys):
    frontline("createsuperuser", "--noinput")

    user = User.objects.get(email="ops@example.test")
    assert (user.name, user.role, user.is_staff, user.is_superuser) == (
        "Ops",
        Role.ADMIN,
        True,
        True,
    )
    assert "Administrator ops@example.test created." in capsys.readouterr().out
    response = Client().post(
        "/accounts/sign-in/",
        {"username": "ops@example.test", "password": "a long admin passphrase"},
        follow=True,
    )
    assert response.wsgi_request.user == user
    assert (
        Client().post(
            "/admin/login/",
            {
                "username": "ops@example.test",
                "password": "a long admin passphrase",
                "next": "/admin/",
            },
        )["Location"]
        == "/admin/"
    )


def test_the_name_variable_names_them(db, superuser_env, monkeypatch, capsys):
    monkeypatch.setenv("DJANGO_SUPERUSER_NAME", "Olivia Ops")

    frontline("createsuperuser", "--no-input")

    assert User.objects.get(email="ops@example.test").name == "Olivia Ops"


def test_an_existing_address_fails_cleanly(admin_user, monkeypatch, capsys):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", admin_user.email)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long admin passphrase")

    with pytest.raises(SystemExit) as exited:
        frontline("createsuperuser", "--noinput")

    assert exited.value.code == 1
    assert capsys.readouterr().err.strip() == (
        f"CommandError: A user with the address {admin_user.email} exists."
    )
    assert User.objects.filter(email=admin_user.email).count() == 1


def test_without_an_email_it_says_which_variable_is_missing(db, monkeypatch, capsys):
    monkeypatch.delenv("DJANGO_SUPERUSER_EMAIL", raising=False)

    with pytest.raises(SystemExit) as exited:
        frontline("createsuperuser", "--noinput")

    assert exited.value.code == 1
    assert "DJANGO_SUPERUSER_EMAIL" in capsys.readouterr().err
    assert not User.objects.exists()
