"""End to end in Chromium: a customer signs in with an emailed link and opens a ticket with
an attachment on the portal."""

import re

import pytest
from django.core import mail

from frontline.tickets.models import Channel, Ticket

pytestmark = pytest.mark.slow


@pytest.fixture
def topic():
    from frontline.testing import factories

    return factories.make_category(name="Payments")


def test_a_customer_opens_a_ticket_with_an_attachment(customer, topic, tmp_path, new_page):
    receipt = tmp_path / "receipt.txt"
    receipt.write_text("Order 881, charged twice: 2 x 49.00 EUR\n")
    page = new_page()

    page.goto("/portal/")
    page.wait_for_url(re.compile(r"/portal/sign-in/"))
    page.get_by_label("Email address").first.fill(customer.user.email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_text("Check your email").wait_for()
    link = re.search(r"https?://\S+/portal/sign-in/\S+/", str(mail.outbox[-1].body))
    assert link is not None
    page.goto(link.group(0))
    page.get_by_role("button", name="Sign in to support").click()
    page.wait_for_url(re.compile(r"/portal/$"))

    page.get_by_role("link", name="New request").first.click()
    page.get_by_label("Subject").fill("Charged twice for order 881")
    page.get_by_label("Description").fill("My card was charged twice. The receipt is attached.")
    page.get_by_label("Topic").select_option(label="Payments")
    page.get_by_label("Attachments").set_input_files(str(receipt))
    page.get_by_role("button", name="Send request").click()

    page.get_by_text("we received your request as #").wait_for()
    page.get_by_role("link", name=re.compile("receipt.txt")).wait_for()
    ticket = Ticket.objects.get(subject="Charged twice for order 881")
    assert (ticket.customer, ticket.channel, ticket.category) == (customer, Channel.PORTAL, topic)
    attachment = ticket.messages.get().attachments.get()
    assert attachment.file.read() == receipt.read_bytes()
    attachment.file.close()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("receipt.txt")).click()
    assert download.value.suggested_filename == "receipt.txt"
    assert page.errors == []
