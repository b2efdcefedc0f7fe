"""End to end in Chromium on a phone-sized screen: a head of support adds a webhook, copies
its secret, sends a test ping, and reads the delivery in the log."""

import re

import pytest

from frontline.integrations import http
from frontline.testing.browser import screenshot
from frontline.testing.http_server import LocalHttpServer

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def test_a_head_of_support_adds_a_webhook_and_pings_it(head, tmp_path, new_page):
    page = new_page(width=390, height=844)
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(head.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/inbox/"))

    with LocalHttpServer() as server:
        page.get_by_role("link", name="Webhooks").click()
        page.get_by_role("link", name="New webhook").click()
        page.get_by_label("Name").fill("Warehouse")
        page.get_by_label("Address (http:// or https://)").fill("ftp://nowhere.test/")
        page.get_by_role("button", name="Save webhook").click()
        page.get_by_role("alert").get_by_text("starts with http:// or https://").wait_for()
        page.get_by_label("Address (http:// or https://)").fill(server.url("/in"))
        page.get_by_label("ticket.created").check()
        page.get_by_role("button", name="Save webhook").click()

        secret = page.locator(".webhook-secret-value").inner_text()
        assert secret.startswith("whsec_")
        assert page.evaluate(OVERFLOW) <= 0
        page.get_by_role("button", name="Send test ping").click()
        page.locator(".delivery-delivered").get_by_text("Delivered").wait_for()

    assert page.locator(".webhook-secret-value").count() == 0
    assert page.evaluate(OVERFLOW) <= 0
    received = server.requests[0]
    assert received.json()["event"] == "ping"
    assert http.verify(secret, received.headers["X-Frontline-Signature"], received.body)
    screenshot(page, "webhook-delivery-log", tmp_path)
