"""End to end in Chromium: a customer types a request, a matching article appears under
the form, they read it, say it answered their question, and the deflection counts."""

import re

import pytest

from frontline.knowledge.gaps import knowledge_gaps
from frontline.knowledge.models import Deflection, DeflectionOutcome, SearchRecord
from frontline.knowledge.tests.factories import make_article
from frontline.testing.browser import screenshot
from frontline.tickets.models import Ticket

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"


@pytest.fixture
def refund_article(transactional_db):
    return make_article(
        "Getting a refund for a double charge",
        "If you were **charged twice**, the second charge is refunded within five days.",
        slug="double-charge",
    )


def sign_in_customer(page, email):
    page.goto("/portal/sign-in/")
    page.get_by_text("Sign in with a password instead").click()
    page.locator("#pw-email").fill(email)
    page.locator("#pw-password").fill(PASSWORD)
    page.locator("form:has(#pw-password) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/portal/$"))


def test_a_suggestion_read_from_the_request_form_deflects_the_request(
    customer, refund_article, new_page, tmp_path
):
    page = new_page(width=390, height=844)
    sign_in_customer(page, customer.user.email)
    page.get_by_role("link", name="New request").first.click()
    page.get_by_label("Subject").press_sequentially("Charged twice for my order", delay=20)

    suggestion = page.get_by_role("link", name="Getting a refund for a double charge")
    suggestion.wait_for()
    screenshot(page, "portal-deflection-suggestion", tmp_path)
    suggestion.click()
    page.wait_for_url(re.compile(r"/help/.+/double-charge/\?.*from=request"))
    page.get_by_text("charged twice", exact=False).first.wait_for()
    page.get_by_role("button", name="Yes, thanks").click()

    page.wait_for_url(re.compile(r"/portal/$"))
    page.get_by_text("Glad it helped").wait_for()
    deflection = Deflection.objects.get()
    assert (deflection.outcome, deflection.customer) == (DeflectionOutcome.ANSWERED, customer)
    assert deflection.query == "Charged twice for my order"
    figures = knowledge_gaps(days=7).deflection
    assert (figures.read, figures.deflected, figures.rate) == (1, 1, 1.0)
    assert SearchRecord.objects.filter(scope="portal").exists()
    assert not Ticket.objects.exists()
    assert page.errors == []
