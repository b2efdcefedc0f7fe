"""`frontline token create EMAIL` and `frontline token revoke PREFIX`, run as from a shell."""

import pytest
from django.db import connections
from django.utils import log

from frontline.accounts.models import ApiToken
from frontline.accounts.services import (
    UserFields,
    authenticate_token,
    issue_token,
    update_staff_user,
)
from frontline.cli import main
from frontline.core.actors import Actor


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch):
    # A command run from argv closes every connection when it ends, which would take the
    # test's transaction with it.
    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture(autouse=True)
def _keep_logging(monkeypatch):
    # Run from argv, Django sets itself up again, logging included: its console handler
    # would write to this test's captured stderr, closed once the test ends, and every
    # later log line from a background thread would fail with "I/O operation on closed
    # file".
    monkeypatch.setattr(log, "configure_logging", lambda *args: None)


def frontline(*args):
    return main(["frontline", *args])


def test_create_prints_only_a_working_token(agent, capsys):
    frontline("token", "create", "Alice@Frontline.test", "--name", "deploy")

    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert authenticate_token(out.strip()) == agent
    assert ApiToken.objects.get(user=agent).name == "deploy"


def test_create_for_unknown_email_fails_cleanly(db, capsys):
    with pytest.raises(SystemExit) as exited:
        frontline("token", "create", "nobody@frontline.test")

    captured = capsys.readouterr()
    assert exited.value.code == 1
    assert captured.err.strip() == (
        "CommandError: There is no user with the email address nobody@frontline.test."
    )
    assert captured.out == ""
    assert ApiToken.objects.count() == 0


def test_create_for_deactivated_user_fails(agent, admin_user, capsys):
    update_staff_user(agent, fields=UserFields(is_active=False), actor=Actor.for_user(admin_user))

    with pytest.raises(SystemExit) as exited:
        frontline("token", "create", agent.email)

    assert exited.value.code == 1
    assert "deactivated" in capsys.readouterr().err
    assert not ApiToken.objects.filter(user=agent).exists()


def test_revoke_by_prefix(agent, capsys):
    issued = issue_token(agent)

    frontline("token", "revoke", issued.token.prefix)

    assert authenticate_token(issued.secret) is None
    assert issued.token.prefix in capsys.readouterr().out


def test_revoke_leaves_other_tokens_alone(agent, capsys):
    revoked, kept = issue_token(agent), issue_token(agent)

    frontline("token", "revoke", revoked.secret)

    assert authenticate_token(revoked.secret) is None
    assert authenticate_token(kept.secret) == agent


def test_revoke_unknown_prefix_fails_cleanly(db, capsys):
    with pytest.raises(SystemExit) as exited:
        frontline("token", "revoke", "flt_nothing")

    assert exited.value.code == 1
    assert capsys.readouterr().err.strip() == (
        "CommandError: No active token starts with 'flt_nothing'."
    )
