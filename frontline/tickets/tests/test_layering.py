"""The tickets app names none of the apps that plug into it: not by import (the import
contracts in pyproject.toml hold that), and not by the strings Django resolves at run time
either: ORM lookups through their relations, their template libraries and URL names. What
they add comes through ``frontline/contributions.py``."""

import re
from pathlib import Path

import pytest

TICKETS = Path(__file__).resolve().parents[1]

# How code or a template names another app without importing it.
NAMES = {
    "an ORM lookup into the SLA summary or targets": re.compile(r"\bsla(__|_targets\b)"),
    "the SLA template library": re.compile(r"\{%\s*load\b[^%]*\bsla\b"),
    "the email reply relation": re.compile(
        r"""_related\([^)]*["']email\b|\bemail__(status|recipient|sent_at|attempts|last_error)"""
    ),
    "an email or SLA URL name": re.compile(r"""["'](email|sla):"""),
}


def _sources() -> list[Path]:
    files = [*TICKETS.rglob("*.py"), *TICKETS.rglob("*.html")]
    return sorted(f for f in files if "tests" not in f.parts and "migrations" not in f.parts)


@pytest.mark.parametrize("what", sorted(NAMES))
def test_tickets_does_not_name_the_apps_that_plug_into_it(what):
    pattern = NAMES[what]
    found = [
        f"{path.relative_to(TICKETS)}:{number}: {line.strip()}"
        for path in _sources()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == [], f"tickets names {what}"


def test_the_check_finds_such_a_name(tmp_path):
    line = 'messages.select_related("email").filter(sla__next_due_at__lt=now)'
    assert NAMES["the email reply relation"].search(line)
    assert NAMES["an ORM lookup into the SLA summary or targets"].search(line)
    assert NAMES["the SLA template library"].search("{% load frontline sla %}")
