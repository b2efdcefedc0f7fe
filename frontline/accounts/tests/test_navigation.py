"""The workspace's top navigation comes from ``frontline/navigation.py``: each link shows
to the staff its predicate allows, and marks the current section."""

import re

from django.test import Client


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _nav(html: str) -> list[str]:
    nav = re.search(r'<nav class="topnav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    return re.findall(r">([^<]+)</a>", nav.group(1))


def test_an_agent_sees_the_inbox_but_not_the_supervisor_board(agent):
    response = signed_in(agent).get("/inbox/", follow=True)
    html = response.content.decode()
    assert _nav(html) == ["Inbox", "Swarming", "Knowledge", "Macros", "Workflows"]
    assert '<a href="/inbox/" aria-current="page">Inbox</a>' in html


def test_a_supervisor_and_an_admin_see_their_links(supervisor, admin_user):
    html = signed_in(supervisor).get("/supervisor/").content.decode()
    assert _nav(html) == [
        "Inbox", "Swarming", "Knowledge", "Macros", "Workflows", "Supervisor", "Routing", "Triage",
    ]  # fmt: skip
    assert 'href="/supervisor/" aria-current="page"' in html
    assert admin_user.is_staff
    assert _nav(signed_in(admin_user).get("/inbox/", follow=True).content.decode()) == [
        "Inbox",
        "Swarming",
        "Knowledge",
        "Macros",
        "Workflows",
        "Supervisor",
        "Routing",
        "Triage",
        "Automation",
        "Webhooks",
        "Channels",
        "Outbox",
        "Admin",
    ]
