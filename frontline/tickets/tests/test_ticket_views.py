import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontline.accounts.models import Notification
from frontline.core.actors import Actor
from frontline.customers.models import IdentityKind
from frontline.customers.services import add_identity, create_customer, flag_identity
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import Channel, InboxSort, MessageKind, Priority, Status, Ticket
from frontline.tickets.services.saved_views import save_view


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def page_of(ticket):
    return f"/tickets/{ticket.number}/"


@pytest.fixture
def ticket(team, customer):
    return factories.make_ticket(team=team, customer=customer, subject="Card reader offline")


POSTS = (
    "reply",
    "note",
    "properties",
    "take",
    "collaborators",
    "parent",
    "merge",
    "split",
    "custom-fields",
)


def test_anonymous_visitors_are_sent_to_sign_in(ticket):
    for path in (page_of(ticket), f"{page_of(ticket)}timeline/", f"{page_of(ticket)}panel/"):
        assert Client().get(path)["Location"].startswith("/accounts/sign-in/")
    for action in POSTS:
        assert (
            Client()
            .post(f"{page_of(ticket)}{action}/")["Location"]
            .startswith("/accounts/sign-in/")
        )


def test_customers_are_refused_the_agent_ticket_page(ticket, customer):
    client = signed_in(customer.user)
    assert client.get(page_of(ticket)).status_code == 403
    for action in POSTS:
        assert client.post(f"{page_of(ticket)}{action}/", {"body": "hi"}).status_code == 403


def test_an_outsider_gets_404_for_another_teams_ticket(ticket, outsider):
    client = signed_in(outsider)
    for path in (page_of(ticket), f"{page_of(ticket)}timeline/", f"{page_of(ticket)}panel/"):
        assert client.get(path).status_code == 404
    for action in POSTS:
        assert client.post(f"{page_of(ticket)}{action}/", {"body": "x"}).status_code == 404
    assert ticket.messages.count() == 1


def test_the_page_shows_the_conversation_notes_and_events(ticket, agent):
    actor = Actor.for_user(agent)
    services.reply_to_ticket(ticket, body="Please restart the reader.", actor=actor)
    services.add_note(ticket, body="Firmware 2.1 has this bug.", actor=actor)
    services.change_priority(ticket, priority=Priority.HIGH, actor=actor)

    response = signed_in(agent).get(page_of(ticket))

    html = response.content.decode()
    assert "Card reader offline" in html
    assert "Please restart the reader." in html
    assert re.search(r'class="msg msg-agent msg-note".*?Firmware 2\.1 has this bug', html, re.S)
    assert "Internal note" in html
    assert "set the priority to high" in html
    assert "changed the status from new to open" in html


def test_the_timeline_marks_mentions_shows_quoted_history_and_attachments(ticket, agent, teammate):
    actor = Actor.for_user(agent)
    services.add_note(
        ticket,
        body="Ask @tom about <this>\nfirst",
        actor=actor,
        attachments=[services.NewAttachment(filename="log <1>.txt", content=b"x" * 2048)],
    )
    services.reply_to_ticket(
        ticket,
        body="Thanks!\n> Please restart the reader.",
        visible_text="Thanks!",
        actor=Actor.for_customer(ticket.customer),
    )
    services.assign_ticket(ticket, assignee=teammate, actor=actor)

    html = signed_in(agent).get(page_of(ticket)).content.decode()

    assert 'Ask <span class="mention">@tom</span> about &lt;this&gt;<br>first' in html
    # Stored names lose their markup characters; the size is shown beside the name.
    assert 'download><span class="clip" aria-hidden="true">📎</span> log _1_.txt</a> ' in html
    assert '<span class="muted">2.0\xa0KB</span>' in html
    assert re.search(
        r"<p>Thanks!</p>\s*<details class=\"quoted\"><summary>Show the whole message</summary>"
        r"<p>Thanks!<br>&gt; Please restart the reader.</p></details>",
        html,
    )
    assert "<strong>Alice Agent</strong> assigned the ticket to Tom Teammate</span>" in html


def test_the_timeline_names_copied_customers_and_former_colleagues(ticket, agent):
    """Authors and actors are named from the page's colleagues and the ticket's customer;
    anyone else (a copied customer, a colleague who left) is looked up."""
    cody = factories.make_customer(name="Cody Copied")
    services.add_customer_collaborators(ticket, customers=[cody], actor=Actor.for_user(agent))
    services.reply_to_ticket(ticket, body="Same here.", actor=Actor.for_customer(cody))
    leaver = factories.make_agent(teams=(ticket.team,), name="Lena Leaver")
    services.reply_to_ticket(ticket, body="Looking into it.", actor=Actor.for_user(leaver))
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])

    html = signed_in(agent).get(page_of(ticket)).content.decode()

    assert re.search(r"<strong>Cody Copied</strong>\s*<span class=\"tag-customer\">", html)
    assert re.search(r"<strong>Lena Leaver</strong>\s*<span class=\"tag-agent\">", html)
    assert re.search(r"<strong>Carla Customer</strong>\s*<span class=\"tag-customer\">", html)
    assert "<strong>Alice Agent</strong> copied people of the customer" in html


def test_user_content_is_escaped_and_html_bodies_are_sandboxed(team, agent):
    person = factories.make_customer(name="<b>Eve</b>")
    ticket = services.open_ticket(
        customer=person,
        subject="<script>alert(1)</script>",
        body="<img src=x onerror=alert(2)>",
        html='<p onclick="alert(3)">Hi<script>alert(4)</script></p>',
        actor=Actor.system(),
        team=team,
    )

    html = signed_in(agent).get(page_of(ticket)).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
    match = re.search(r"<iframe[^>]*>", html)
    assert match is not None
    frame = match.group(0)
    assert 'sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"' in frame
    assert "allow-scripts" not in frame
    assert "onclick" not in frame
    assert "alert(4)" not in frame
    assert "&lt;p&gt;Hi&lt;/p&gt;" in frame
    assert "script-src" not in frame or "default-src &#x27;none&#x27;" in frame


def test_links_in_text_messages_can_be_followed(team, agent):
    ticket = services.open_ticket(
        customer=factories.make_customer(),
        subject="Broken page",
        body="The page https://shop.example.com/checkout?step=2 fails.\nCall me.",
        actor=Actor.system(),
        team=team,
    )

    html = signed_in(agent).get(page_of(ticket)).content.decode()

    assert (
        '<a href="https://shop.example.com/checkout?step=2" rel="nofollow noopener noreferrer">'
        in html
    )
    assert "</a> fails.<br>Call me." in html


def test_pages_carry_a_content_security_policy(ticket, agent):
    policy = signed_in(agent).get(page_of(ticket))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_an_agent_replies_and_sets_the_status(ticket, agent):
    client = signed_in(agent)

    response = client.post(
        f"{page_of(ticket)}reply/",
        {"body": "Fixed in 2.2, please update.", "status": "pending", "seen": 10**9},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="composer"' in html
    assert (
        'id="timeline" class="timeline" aria-label="Conversation" role="feed" hx-swap-oob' in html
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    reply = ticket.messages.order_by("-id").first()
    assert reply.body_text == "Fixed in 2.2, please update."
    assert reply.kind == MessageKind.REPLY


def test_a_reply_with_attachments_without_htmx_redirects_back(ticket, agent):
    upload = _upload("log.txt", b"line 1\n")

    response = signed_in(agent).post(
        f"{page_of(ticket)}reply/", {"body": "See the log.", "attachments": [upload]}
    )

    assert response["Location"] == page_of(ticket)
    assert ticket.messages.order_by("-id").first().attachments.get().filename == "log.txt"


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/plain")


def test_the_reply_composer_says_who_gets_the_reply(ticket, agent, customer):
    copied = factories.make_customer(name="Cody Copied", email="cody@example.test")
    services.add_customer_collaborators(ticket, customers=[copied], actor=Actor.for_user(agent))
    bare = services.open_ticket(
        customer=create_customer(name="Chatty"),
        subject="Chat only",
        body="Hi",
        channel=Channel.CHAT,
        actor=Actor.system(),
        team=ticket.team,
    )
    client = signed_in(agent)

    html = client.get(page_of(ticket)).content.decode()
    after_note = client.post(
        f"{page_of(ticket)}note/", {"body": "Noted"}, headers={"HX-Request": "true"}
    ).content.decode()
    chat = client.get(page_of(bare)).content.decode()

    expected = (
        "Goes to <strong>Carla Customer</strong> &lt;carla@example.test&gt;, "
        "copied to cody@example.test by email"
    )
    assert expected in html
    assert expected in after_note
    assert "has no email address on record: the reply shows on their portal and in the chat" in (
        chat
    )


def test_an_empty_reply_is_a_form_error(ticket, agent):
    response = signed_in(agent).post(
        f"{page_of(ticket)}reply/", {"body": "  ", "seen": 10**9}, headers={"HX-Request": "true"}
    )

    assert "The message is empty." in response.content.decode()
    assert ticket.messages.count() == 1


def test_a_reply_is_held_once_when_a_new_message_arrived(ticket, agent, customer):
    client = signed_in(agent)
    seen = ticket.messages.get().pk
    services.reply_to_ticket(ticket, body="Any news?", actor=Actor.for_customer(customer))

    held = client.post(
        f"{page_of(ticket)}reply/", {"body": "On it.", "seen": seen}, headers={"HX-Request": "true"}
    )

    assert "A new message arrived since you opened this ticket" in held.content.decode()
    assert ticket.messages.count() == 2
    latest = held.context["reply_form"].data["seen"]
    sent = client.post(
        f"{page_of(ticket)}reply/",
        {"body": "On it.", "seen": latest, "confirm": "on"},
        headers={"HX-Request": "true"},
    )
    assert sent.status_code == 200
    assert ticket.messages.count() == 3


def test_a_note_mentions_colleagues_who_are_notified(ticket, agent, teammate, outsider):
    handle = outsider.email.split("@")[0]

    signed_in(agent).post(
        f"{page_of(ticket)}note/",
        {"body": f"@{handle} can billing check this? cc @alice"},
        headers={"HX-Request": "true"},
    )

    note = ticket.messages.get(kind=MessageKind.NOTE)
    assert note.author_user == agent
    mention = Notification.objects.get(user=outsider)
    assert mention.title == f"Alice Agent mentioned you on #{ticket.number}"
    assert mention.url == f"/tickets/{ticket.number}/#message-{note.pk}"
    assert not Notification.objects.filter(user=agent).exists()
    assert list(ticket.collaborators.all()) == [outsider]
    assert signed_in(outsider).get(page_of(ticket)).status_code == 200


def test_mention_suggestions_list_colleagues(agent, teammate, customer):
    response = signed_in(agent).get("/tickets/mentions/", {"q": "tom"})

    assert response.json()["results"] == [
        {"handle": teammate.email.split("@")[0], "name": "Tom Teammate", "email": teammate.email}
    ]
    assert signed_in(customer.user).get("/tickets/mentions/").status_code == 403


def test_the_side_panel_changes_fields(ticket, agent, teammate):
    category = factories.make_category(name="Hardware")

    response = signed_in(agent).post(
        f"{page_of(ticket)}properties/",
        {
            "status": "open",
            "priority": "urgent",
            "category": category.pk,
            "team": ticket.team_id,
            "assignee": teammate.pk,
            "tags": "reader, firmware",
        },
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response["HX-Trigger"] == '{"ticket-saved": true}'
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee, ticket.category) == (
        Status.OPEN,
        Priority.URGENT,
        teammate,
        category,
    )
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["firmware", "reader"]


def test_the_side_panel_shows_a_refusal_as_a_form_error(ticket, agent, outsider):
    response = signed_in(agent).post(
        f"{page_of(ticket)}properties/",
        {"status": "new", "priority": "normal", "team": ticket.team_id, "assignee": outsider.pk},
        headers={"HX-Request": "true"},
    )

    assert "is not in the team Tier 1; change the team first." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_take_assigns_the_ticket_to_me(ticket, agent):
    signed_in(agent).post(f"{page_of(ticket)}take/", headers={"HX-Request": "true"})

    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_analysts_may_read_but_not_change(ticket, analyst):
    client = signed_in(analyst)

    assert client.get(page_of(ticket)).status_code == 200
    response = client.post(f"{page_of(ticket)}take/", headers={"HX-Request": "true"})

    assert "You may not change this ticket." in response.content.decode()


def test_collaborators_are_added_and_removed(ticket, agent, outsider):
    client = signed_in(agent)

    client.post(f"{page_of(ticket)}collaborators/", {"user": outsider.pk})
    assert list(ticket.collaborators.all()) == [outsider]
    client.post(f"{page_of(ticket)}collaborators/", {"remove": outsider.pk})
    assert not ticket.collaborators.exists()


def test_a_ticket_links_to_a_parent_incident_and_merges(ticket, agent, team, customer):
    incident = factories.make_ticket(team=team, subject="Reader outage")
    duplicate = factories.make_ticket(team=team, customer=customer)
    client = signed_in(agent)

    client.post(f"{page_of(ticket)}parent/", {"parent": incident.number})
    merged = client.post(f"{page_of(duplicate)}merge/", {"into": ticket.number})

    ticket.refresh_from_db()
    duplicate.refresh_from_db()
    assert ticket.parent == incident
    assert merged["Location"] == page_of(ticket)
    assert duplicate.merged_into == ticket
    assert "Part of incident" in client.get(page_of(ticket)).content.decode()


def test_merging_into_a_ticket_the_agent_cannot_see_is_refused(ticket, agent, other_team):
    hidden = factories.make_ticket(team=other_team)

    response = signed_in(agent).post(
        f"{page_of(ticket)}merge/", {"into": hidden.number}, headers={"HX-Request": "true"}
    )

    assert f"Ticket #{hidden.number} does not exist or is not visible to you." in (
        response.content.decode()
    )
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def test_attachments_download_for_those_who_see_the_ticket(ticket, agent, outsider):
    message = services.add_note(
        ticket,
        body="Screenshot",
        actor=Actor.for_user(agent),
        attachments=[services.NewAttachment(filename="x.html", content=b"<script>1</script>")],
    )
    attachment = message.attachments.get()
    path = f"/tickets/attachments/{attachment.pk}/"

    response = signed_in(agent).get(path)
    assert b"".join(response.streaming_content) == b"<script>1</script>"

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert signed_in(outsider).get(path).status_code == 404
    assert signed_in(outsider).get("/tickets/attachments/999999/").status_code == 404


def test_previous_and_next_follow_the_view(agent, team):
    older, middle, newer = (factories.make_ticket(team=team) for _ in range(3))

    response = signed_in(agent).get(f"{page_of(middle)}?view=unassigned")

    assert response.context["previous_number"] == newer.number
    assert response.context["next_number"] == older.number


def test_previous_and_next_follow_only_the_agents_own_saved_view(agent, team):
    low = factories.make_ticket(team=team, priority=Priority.LOW)
    urgent = factories.make_ticket(team=team, priority=Priority.URGENT)
    high = factories.make_ticket(team=team, priority=Priority.HIGH)
    mine = save_view(
        name="Hot",
        filters={"priorities": ["high", "urgent"]},
        sort=InboxSort.PRIORITY,
        actor=Actor.for_user(agent),
    )
    colleague = factories.make_agent(teams=(team,))
    theirs = save_view(
        name="Hot",
        filters={"priorities": ["high", "urgent"]},
        sort=InboxSort.PRIORITY,
        actor=Actor.for_user(colleague),
    )
    client = signed_in(agent)

    own = client.get(f"{page_of(urgent)}?view=v{mine.pk}")
    other = client.get(f"{page_of(urgent)}?view=v{theirs.pk}")
    huge = client.get(f"{page_of(urgent)}?view=v{'9' * 40}")

    assert (own.context["previous_number"], own.context["next_number"]) == (None, high.number)
    assert own.context["view"].name == "Hot"
    assert low.number not in (own.context["previous_number"], own.context["next_number"])
    for refused in (other, huge):
        assert refused.status_code == 200
        assert refused.context["view"] is None


def test_previous_and_next_follow_an_unsaved_filter_view(agent, team):
    low = factories.make_ticket(team=team, subject="Low one", priority=Priority.LOW)
    factories.make_ticket(team=team, subject="Normal one", priority=Priority.NORMAL)
    urgent = factories.make_ticket(team=team, subject="Urgent one", priority=Priority.URGENT)
    client = signed_in(agent)

    inbox = client.get("/inbox/filter/", {"priority": ["low", "urgent"], "sort": "priority"})
    link = re.search(rf'href="(/tickets/{urgent.number}/\?[^"]+)"', inbox.content.decode())
    assert link is not None
    page = client.get(link.group(1).replace("&amp;", "&"))

    assert page.context["previous_number"] is None
    assert page.context["next_number"] == low.number
    html = page.content.decode()
    assert f'href="/tickets/{low.number}/?view=filter&amp;priority=low&amp;priority=urgent' in html
    assert 'href="/inbox/filter/?priority=low&amp;priority=urgent&amp;sort=priority"' in html


def test_the_customer_360_panel_shows_the_customer_and_their_other_tickets(agent, team):
    organisation = factories.make_organisation(name="Bistro Group", account_manager=agent)
    person = factories.make_customer(
        name="Casey", email="casey@bistro.example", organisation=organisation, is_vip=True
    )
    old = factories.make_ticket(team=team, customer=person, subject="Older issue")
    services.change_status(old, status=Status.SOLVED, actor=Actor.for_user(agent))
    current = factories.make_ticket(team=team, customer=person, subject="Current issue")
    still_open = factories.make_ticket(team=team, customer=person, subject="Still open")

    c360 = signed_in(agent).get(page_of(current)).context["c360"]

    assert c360.customer == person
    assert c360.organisation == organisation
    assert c360.account_manager == agent
    assert [i.value for i in c360.identities] == ["casey@bistro.example"]
    assert [t.subject for t in c360.other_tickets] == ["Still open", "Older issue"]
    assert still_open.pk != current.pk


def test_the_360_panel_lists_each_identity_once_and_replies_skip_bounced_copies(ticket, agent):
    """The panel and the composer share one read of the requester's and copied customers'
    addresses; a requester copied on their own ticket is still listed once."""
    customer = ticket.customer
    add_identity(customer, kind=IdentityKind.PHONE, value="+44 20 7946 0000")
    add_identity(customer, kind=IdentityKind.EMAIL, value="carla@work.example")
    cody = factories.make_customer(name="Cody", email="cody@example.test")
    bounced = factories.make_customer(name="Bea", email="bea@example.test")
    flag_identity(IdentityKind.EMAIL, "bea@example.test")
    services.add_customer_collaborators(
        ticket, customers=[cody, bounced], actor=Actor.for_user(agent)
    )
    # The service never copies the requester, but older data (or a customer merge) may.
    ticket.customer_collaborators.add(customer)

    response = signed_in(agent).get(page_of(ticket))

    identities = [(i.kind, i.value, i.is_primary) for i in response.context["c360"].identities]
    assert identities == [
        ("email", "carla@example.test", True),
        ("email", "carla@work.example", False),
        ("phone", "+442079460000", True),
    ]
    assert "&lt;carla@example.test&gt;, copied to cody@example.test by email" in (
        response.content.decode()
    )


def page_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_ticket_page_makes_the_same_queries_for_a_short_or_long_ticket(agent, team, customer):
    """Pinned: the same 21 queries for 2 or 80 messages, events and attachments: session
    and user (2), the agent's teams and managed organisations (1), the ticket (1), teams,
    colleagues and categories for the panel, which also name the ticket's team, assignee
    and category and the people events mention (3), messages, attachments and events (3),
    tags and collaborators (1), linked tickets (1), the requester's and copied customers'
    addresses for the customer 360 and the reply's recipients (1), the customer's other
    tickets (1), previous and next in the built-in view (2), unread notifications (1),
    the SLA panel (1) and the custom field definitions (1)."""
    ticket = factories.make_ticket(team=team, customer=customer)
    actor = Actor.for_user(agent)
    services.assign_ticket(ticket, assignee=agent, actor=actor)
    client = signed_in(agent)
    path = f"{page_of(ticket)}?view=mine"
    client.get(path)
    short = page_queries(client, path)
    for n in range(20):
        attachment = services.NewAttachment(filename=f"{n}.txt", content=b"x")
        services.add_note(ticket, body=f"Note {n}", actor=actor, attachments=[attachment])
        services.reply_to_ticket(ticket, body=f"Reply {n}", actor=Actor.for_customer(customer))
        services.reply_to_ticket(ticket, body=f"Answer {n}", actor=actor)
        services.set_tags(ticket, tags=[f"t{n}"], actor=actor)
    long = page_queries(client, path)

    assert ticket.messages.filter(email__isnull=False).count() == 20
    # 19, routing's panel (the ticket's routing decisions, 1) and the tier and swarm
    # panel (the tier summary with the next team, the swarm's members: 2), and the
    # reply form's macro picker (the agent's macros with their teams: 1).
    assert short == long == 23


def test_every_ticket_form_needs_a_csrf_token(ticket, agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    for action in POSTS:
        assert client.post(f"{page_of(ticket)}{action}/", {"body": "x"}).status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).messages.count() == 1


def test_a_deactivated_colleague_is_still_named_on_the_page_and_in_the_inbox(agent, team):
    """Team, assignee and the people events mention come from the page's colleague list;
    someone no longer on it (deactivated) is still named, not shown as "someone"."""
    leaver = factories.make_agent(teams=(team,), name="Lena Leaver")
    ticket = factories.make_ticket(team=team, subject="Handed over")
    services.assign_ticket(ticket, assignee=leaver, actor=Actor.for_user(agent))
    for person in (leaver, agent):
        services.add_collaborator(ticket, user=person, actor=Actor.for_user(agent))
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    client = signed_in(agent)

    page = client.get(page_of(ticket)).content.decode()
    inbox = client.get("/inbox/teams/").content.decode()

    assert "Assigned to Lena Leaver" in page
    assert "assigned the ticket to Lena Leaver" in page
    assert re.findall(r'aria-label="Remove ([^"]+)"', page) == ["Alice Agent", "Lena Leaver"]
    assert "Lena Leaver" in inbox.split("Handed over", 1)[1].split("</tr>", 1)[0]
