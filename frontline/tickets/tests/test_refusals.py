"""Every workspace URL refuses those who should be refused, found from the URL conf itself so a
new view cannot be added without being covered: anonymous visitors are sent to sign-in,
customers get a 403 page, and an agent of another team a 404 for a ticket (or a saved view, an
attachment) they cannot see. Nothing changes on the way."""

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from frontline.accounts.urls import urlpatterns as account_patterns
from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.mentions import handle_for
from frontline.tickets.models import InboxSort
from frontline.tickets.urls import urlpatterns as ticket_patterns

# Pages anyone may open: signing in and resetting a password.
PUBLIC = {
    "accounts:sign-in",
    "accounts:sign-out",
    "accounts:password-reset",
    "accounts:password-reset-done",
    "accounts:password-reset-confirm",
    "accounts:password-reset-complete",
}
# What each POST would change if it were allowed.
FORM = {
    "ticket": "0",
    "status": "solved",
    "priority": "urgent",
    "body": "Let me in",
    "into": "1",
    "parent": "1",
    "assignee": "1",
    "name": "Mine now",
    "time_zone": "UTC",
}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(team, agent, teammate):
    """A ticket with an attachment, a saved view and a notification, all of the team's."""
    ticket = factories.make_ticket(team=team, subject="Team secret")
    message = services.add_note(
        ticket,
        body=f"@{handle_for(teammate)} have a look",
        actor=Actor.for_user(agent),
        attachments=[services.NewAttachment(filename="secret.txt", content=b"secret")],
    )
    saved = services.save_view(
        name="Urgent",
        filters={"priorities": ["urgent"]},
        sort=InboxSort.UPDATED,
        actor=Actor.for_user(agent),
    )
    notification = teammate.notifications.get()
    return {
        "number": ticket.number,
        "attachment_id": message.attachments.get().pk,
        "view_id": saved.pk,
        "key": "mine",
        "notification_id": notification.pk,
        "ticket": ticket,
    }


def paths(app: str, patterns: list[URLPattern], world: dict[str, object]) -> list[str]:
    found = []
    for pattern in patterns:
        name = f"{app}:{pattern.name}"
        if name in PUBLIC:
            continue
        kwargs = {key: world[key] for key in pattern.pattern.converters}
        found.append(reverse(name, kwargs=kwargs))
    return found


def workspace_paths(world):
    return paths("tickets", ticket_patterns, world) + paths("accounts", account_patterns, world)


def test_the_list_of_workspace_pages_is_complete(world):
    assert len(workspace_paths(world)) == len(ticket_patterns) + len(account_patterns) - len(PUBLIC)


def test_anonymous_visitors_are_sent_to_sign_in_everywhere(world):
    for path in workspace_paths(world):
        response = Client().post(path, FORM)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/sign-in/?next="), path


def test_customers_get_a_403_page_everywhere(world, customer):
    client = signed_in(customer.user)
    for path in workspace_paths(world):
        assert client.post(path, FORM).status_code == 403, path
        assert client.get(path).status_code in (403, 405), path
    ticket = world["ticket"]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.messages.count()) == ("new", "normal", 2)


def test_an_agent_of_another_team_finds_nothing_of_this_teams(world, outsider):
    """Outsiders may use the workspace, so only pages naming the team's things refuse them."""
    client = signed_in(outsider)
    named = [
        path
        for path in paths("tickets", ticket_patterns, world)
        if str(world["number"]) in path
        or f"/attachments/{world['attachment_id']}/" in path
        or f"/views/{world['view_id']}/" in path
    ]
    assert len(named) == 14
    for path in named:
        assert client.post(path, FORM).status_code in (404, 405), path
        assert client.get(path).status_code in (404, 405), path
    not_mine = reverse("accounts:notification", args=[world["notification_id"]])
    assert client.get(not_mine).status_code == 404
    ticket = world["ticket"]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.messages.count()) == ("new", "normal", 2)


def test_the_supervisor_board_is_refused_to_agents(world, agent):
    client = signed_in(agent)
    assert client.get(reverse("tickets:supervisor")).status_code == 403
    assert client.post(reverse("tickets:reassign"), FORM).status_code == 403
