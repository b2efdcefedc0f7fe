import re
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontline.core.actors import Actor
from frontline.customers.services import CustomerFields, update_customer
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import Channel, MessageKind, Status, Ticket


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ticket(customer, team):
    return factories.make_ticket(customer=customer, team=team, subject="Refund for order 881")


def portal_paths(ticket, attachment_id):
    return [
        f"/portal/tickets/{ticket.number}/",
        f"/portal/tickets/{ticket.number}/thread/",
        f"/portal/attachments/{attachment_id}/",
    ]


def portal_posts(ticket):
    return [f"/portal/tickets/{ticket.number}/reply/", f"/portal/tickets/{ticket.number}/status/"]


def first_attachment(ticket, customer):
    message = services.reply_to_ticket(
        ticket,
        body="Receipt attached",
        actor=Actor.for_customer(customer),
        attachments=[services.NewAttachment(filename="receipt.pdf", content=b"%PDF-1.4")],
    )
    return message.attachments.get()


def test_anonymous_visitors_are_sent_to_the_portal_sign_in(ticket, customer):
    attachment = first_attachment(ticket, customer)
    pages = ["/portal/", "/portal/tickets/new/", "/portal/account/"]
    for path in [*pages, *portal_paths(ticket, attachment.pk)]:
        assert Client().get(path)["Location"].startswith("/portal/sign-in/?next=")
    for path in [*portal_posts(ticket), "/portal/tickets/new/", "/portal/account/"]:
        response = Client().post(path, {"body": "x", "action": "solve", "subject": "x"})
        assert response["Location"].startswith("/portal/sign-in/?next=")
    assert ticket.messages.count() == 2


def test_staff_are_refused_the_portal(ticket, customer, agent):
    attachment = first_attachment(ticket, customer)
    client = signed_in(agent)
    pages = ["/portal/", "/portal/tickets/new/", "/portal/account/"]
    for path in [*pages, *portal_paths(ticket, attachment.pk)]:
        assert client.get(path).status_code == 403
    for path in [*portal_posts(ticket), "/portal/tickets/new/", "/portal/account/"]:
        assert client.post(path, {"body": "x", "action": "solve"}).status_code == 403
    assert ticket.messages.count() == 2


def test_nothing_of_another_customer_is_reachable(ticket, customer, other_customer):
    """Guessing numbers and ids gets a plain 404, and changes nothing."""
    attachment = first_attachment(ticket, customer)
    client = signed_in(other_customer.user)

    for path in portal_paths(ticket, attachment.pk):
        assert client.get(path).status_code == 404
    assert client.post(portal_posts(ticket)[0], {"body": "Hijack"}).status_code == 404
    assert client.post(portal_posts(ticket)[1], {"action": "solve"}).status_code == 404
    assert "Refund for order 881" not in client.get("/portal/").content.decode()
    assert ticket.messages.count() == 2
    ticket.refresh_from_db()
    assert ticket.status != Status.SOLVED


def test_the_ticket_list_shows_only_my_tickets(ticket, other_customer, team):
    factories.make_ticket(customer=other_customer, team=team, subject="Otto's problem")

    html = signed_in(ticket.customer.user).get("/portal/").content.decode()

    assert "Refund for order 881" in html
    assert "Otto&#x27;s problem" not in html


def test_colleagues_see_their_organisations_tickets_where_it_shares_them(team):
    shared = factories.make_organisation(name="Bistro", shared_tickets=True)
    me = factories.make_customer(organisation=shared, with_login=True)
    colleague = factories.make_customer(organisation=shared, with_login=True)
    theirs = factories.make_ticket(customer=colleague, team=team, subject="Colleague's ticket")
    client = signed_in(me.user)

    assert "Colleague" not in client.get("/portal/").content.decode()
    assert "Colleague&#x27;s ticket" in client.get("/portal/?scope=organisation").content.decode()
    assert client.get(f"/portal/tickets/{theirs.number}/").status_code == 200


def test_colleagues_see_nothing_of_each_other_where_the_organisation_does_not_share(team):
    private = factories.make_organisation(name="Diner", shared_tickets=False)
    me = factories.make_customer(organisation=private, with_login=True)
    colleague = factories.make_customer(organisation=private, with_login=True)
    theirs = factories.make_ticket(customer=colleague, team=team, subject="Colleague's ticket")
    client = signed_in(me.user)

    assert "Colleague" not in client.get("/portal/?scope=organisation").content.decode()
    assert client.get(f"/portal/tickets/{theirs.number}/").status_code == 404
    assert client.post(f"/portal/tickets/{theirs.number}/reply/", {"body": "x"}).status_code == 404


def test_a_customer_opens_a_ticket_with_an_attachment(customer):
    category = factories.make_category(name="Billing")
    upload = SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 invoice", content_type="application/pdf")

    response = signed_in(customer.user).post(
        "/portal/tickets/new/",
        {
            "subject": "Charged twice",
            "description": "My card was charged twice on May 3.",
            "category": category.pk,
            "attachments": [upload],
        },
        follow=True,
    )

    ticket = Ticket.objects.get(subject="Charged twice")
    assert response.redirect_chain[-1][0] == f"/portal/tickets/{ticket.number}/"
    assert f"we received your request as #{ticket.number}" in response.content.decode()
    assert (ticket.customer, ticket.channel, ticket.category) == (
        customer,
        Channel.PORTAL,
        category,
    )
    assert ticket.messages.get().attachments.get().filename == "invoice.pdf"


def test_a_ticket_needs_a_subject_and_description(customer):
    response = signed_in(customer.user).post("/portal/tickets/new/", {"subject": " "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_customer_reads_replies_but_never_notes(ticket, customer, agent):
    actor = Actor.for_user(agent)
    services.reply_to_ticket(ticket, body="We refunded it.", actor=actor)
    note = services.add_note(
        ticket,
        body="Customer was rude",
        actor=actor,
        attachments=[services.NewAttachment(filename="internal.txt", content=b"x")],
    )
    client = signed_in(customer.user)

    html = client.get(f"/portal/tickets/{ticket.number}/").content.decode()

    assert "We refunded it." in html
    assert "Customer was rude" not in html
    assert client.get(f"/portal/attachments/{note.attachments.get().pk}/").status_code == 404


def test_the_customer_replies_solves_and_reopens(ticket, customer):
    client = signed_in(customer.user)
    path = f"/portal/tickets/{ticket.number}/"

    client.post(f"{path}reply/", {"body": "Any update?"})
    reply = ticket.messages.order_by("-id").first()
    assert (reply.body_text, reply.kind, reply.channel) == (
        "Any update?",
        MessageKind.REPLY,
        "portal",
    )
    client.post(f"{path}status/", {"action": "solve"})
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert "Reopen this request" in client.get(path).content.decode()
    client.post(f"{path}status/", {"action": "reopen"})
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_closed_ticket_takes_no_reply(ticket, customer, agent):
    actor = Actor.for_user(agent)
    services.change_status(ticket, status=Status.SOLVED, actor=actor)
    services.change_status(ticket, status=Status.CLOSED, actor=actor)
    client = signed_in(customer.user)

    html = client.get(f"/portal/tickets/{ticket.number}/").content.decode()
    response = client.post(f"/portal/tickets/{ticket.number}/reply/", {"body": "Hello?"})

    assert "This request is closed." in html
    assert "is closed; open a follow-up ticket instead." in response.content.decode()


def test_attachments_download_for_the_customer(ticket, customer):
    attachment = first_attachment(ticket, customer)

    response = signed_in(customer.user).get(f"/portal/attachments/{attachment.pk}/")

    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert response["Content-Disposition"].startswith("attachment;")


def test_portal_forms_need_a_csrf_token(ticket, customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)

    for path in [*portal_posts(ticket), "/portal/tickets/new/"]:
        assert client.post(path, {"body": "x", "action": "solve"}).status_code == 403


def test_times_are_shown_in_the_customers_time_zone(ticket, customer):
    update_customer(customer, fields=CustomerFields(time_zone="America/Los_Angeles"))
    opened = ticket.created_at.astimezone(zoneinfo.ZoneInfo("America/Los_Angeles"))

    html = signed_in(customer.user).get(f"/portal/tickets/{ticket.number}/").content.decode()

    assert f"{opened:%b} {opened.day}, {opened.year}, {opened:%H:%M}" in html


def portal_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_ticket_list_makes_the_same_queries_for_few_or_many_tickets(customer, team):
    """Pinned at 6: session, user, customer, tickets they are copied on, the page, the
    "Get help with…" self-service workflows."""
    client = signed_in(customer.user)
    for _ in range(3):
        factories.make_ticket(customer=customer, team=team)
    few = portal_queries(client, "/portal/")
    for _ in range(20):
        factories.make_ticket(customer=customer, team=team)

    assert portal_queries(client, "/portal/") == few == 6


def test_the_ticket_page_makes_the_same_queries_for_a_short_or_long_thread(ticket, customer, agent):
    """Pinned at 7: session, user, customer, tickets copied on, ticket, messages, attachments."""
    client = signed_in(customer.user)
    path = f"/portal/tickets/{ticket.number}/"
    first_attachment(ticket, customer)
    few = portal_queries(client, path)
    for n in range(10):
        services.reply_to_ticket(ticket, body=f"Answer {n}", actor=Actor.for_user(agent))
        first_attachment(ticket, customer)

    assert portal_queries(client, path) == few == 7


def test_user_content_on_the_portal_is_escaped_and_html_is_sandboxed(customer, team, agent):
    ticket = factories.make_ticket(
        customer=customer, team=team, subject="<script>alert(1)</script>"
    )
    services.reply_to_ticket(
        ticket,
        body="<img src=x onerror=alert(2)>",
        html='<p onclick="alert(3)">Hi<script>alert(4)</script></p>',
        actor=Actor.for_user(agent),
    )
    client = signed_in(customer.user)

    listing = client.get("/portal/").content.decode()
    page = client.get(f"/portal/tickets/{ticket.number}/").content.decode()

    for html in (listing, page):
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    frame = re.search(r"<iframe[^>]*>", page)
    assert frame is not None
    assert "allow-scripts" not in frame.group(0)
    assert "onclick" not in frame.group(0)
    assert "alert(4)" not in frame.group(0)
