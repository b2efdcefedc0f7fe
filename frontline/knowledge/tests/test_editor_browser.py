"""End to end in Chromium: an engineer writes an article, watches the preview follow the
Markdown as they type (script neutralised), saves it and publishes it."""

import pytest

from frontline.accounts.models import Role
from frontline.knowledge.models import Article, ArticleStatus
from frontline.knowledge.queries import search_articles
from frontline.knowledge.tests import authoring
from frontline.testing import factories
from frontline.tickets.tests.test_browser import sign_in_agent

pytestmark = pytest.mark.slow


def test_an_engineer_writes_an_article_with_live_preview_and_publishes_it(new_page):
    engineer = factories.make_agent(role=Role.ENGINEER, email="eve@frontline.test")
    authoring.category(engineer, "Billing & refunds")
    page = new_page()
    sign_in_agent(page, engineer.email, landing=r"/inbox/.*")

    page.goto("/knowledge/")
    page.get_by_role("link", name="New article").click()
    page.get_by_label("Title").fill("How refunds work")
    page.get_by_label("Text (Markdown)").press_sequentially(
        "## Steps\n\nOpen **Orders** <script>window.pwned=1</script>"
    )
    preview = page.locator("#kb-preview")
    preview.locator("h2", has_text="Steps").wait_for()
    preview.locator("strong", has_text="Orders").wait_for()
    assert preview.locator("script").count() == 0
    page.get_by_role("button", name="Save draft").click()

    page.get_by_text("Draft saved.").wait_for()
    assert page.locator("[data-translation-status]").inner_text() == "Draft"
    page.get_by_role("button", name="Publish").click()

    page.locator("[data-translation-status]", has_text="Published").wait_for()
    assert page.evaluate("window.pwned") is None
    translation = Article.objects.get().translations.get()
    assert translation.status == ArticleStatus.PUBLISHED
    assert [h.translation.pk for h in search_articles(None, "refunds").hits] == [translation.pk]
    assert page.errors == []
