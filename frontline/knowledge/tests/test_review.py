"""The "needs review" reminder: due after the review period, told once per period, to the
reviewer or else the author."""

from datetime import UTC, datetime

import pytest
import time_machine

from frontline.accounts.models import Notification, NotificationKind
from frontline.core.actors import Actor
from frontline.knowledge import services
from frontline.knowledge.review import months_before, needs_review
from frontline.knowledge.tasks import remind_reviewers
from frontline.knowledge.tests import authoring

WRITTEN = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings_months(settings):
    settings.KNOWLEDGE_REVIEW_MONTHS = 6


@pytest.fixture
def old_article(agent, supervisor, settings_months):
    with time_machine.travel(WRITTEN, tick=False):
        return authoring.article(
            agent, category=authoring.category(supervisor), published=True, publisher=supervisor
        )


def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert months_before(datetime(2025, 8, 31, tzinfo=UTC), 6) == datetime(2025, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2025, 3, 15, tzinfo=UTC), 14) == datetime(2024, 1, 15, tzinfo=UTC)


def test_a_published_article_is_due_after_the_review_period(old_article):
    assert not needs_review(old_article, now=datetime(2025, 7, 14, tzinfo=UTC))
    assert needs_review(old_article, now=datetime(2025, 7, 16, tzinfo=UTC))


def test_the_author_is_told_once_per_period(old_article, agent):
    with time_machine.travel(datetime(2025, 7, 20, 7, 5, tzinfo=UTC), tick=False):
        assert remind_reviewers.call_local() == 1
        assert remind_reviewers.call_local() == 0
    with time_machine.travel(datetime(2026, 1, 21, 7, 5, tzinfo=UTC), tick=False):
        assert remind_reviewers.call_local() == 1

    told = Notification.objects.filter(kind=NotificationKind.ARTICLE_REVIEW)
    assert list(told.values_list("user", flat=True)) == [agent.pk, agent.pk]
    first = told.earliest("created_at", "id")
    assert first.title == "Article needs review: How refunds work"
    assert first.url == f"/knowledge/articles/{old_article.pk}/"


def test_the_reviewer_is_told_and_a_review_starts_the_period_over(old_article, supervisor):
    services.update_article(
        old_article,
        changes=services.ArticleChanges(reviewer=supervisor),
        actor=Actor.for_user(supervisor),
    )
    with time_machine.travel(datetime(2025, 7, 20, tzinfo=UTC), tick=False):
        remind_reviewers.call_local()
        services.mark_reviewed(old_article, actor=Actor.for_user(supervisor))

    assert not needs_review(old_article, now=datetime(2025, 12, 1, tzinfo=UTC))
    assert list(Notification.objects.values_list("user", flat=True)) == [supervisor.pk]


def test_drafts_are_never_due(agent, supervisor, settings_months):
    with time_machine.travel(WRITTEN, tick=False):
        draft = authoring.article(agent, category=authoring.category(supervisor))

    assert not needs_review(draft, now=datetime(2026, 7, 1, tzinfo=UTC))
