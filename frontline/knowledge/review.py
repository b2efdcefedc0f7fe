"""The "needs review" reminder: a published article nobody has confirmed for
``settings.KNOWLEDGE_REVIEW_MONTHS`` months is due, and its reviewer (else its author) is
told once per period."""

import logging
from calendar import monthrange
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse

from frontline.accounts.models import NotificationKind
from frontline.accounts.services import notify
from frontline.knowledge.models import Article, ArticleStatus, ArticleTranslation

logger = logging.getLogger(__name__)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day when
    it is shorter)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def review_cutoff(now: datetime) -> datetime:
    return months_before(now, settings.KNOWLEDGE_REVIEW_MONTHS)


def needing_review(articles: QuerySet[Article], *, now: datetime) -> QuerySet[Article]:
    """Those of ``articles`` with a published translation, last reviewed (or, never
    reviewed, created) before the review period."""
    published = ArticleTranslation.objects.filter(
        article=OuterRef("pk"), status=ArticleStatus.PUBLISHED
    )
    return articles.alias(
        reviewed=Coalesce("last_reviewed_at", "created_at"), live=Exists(published)
    ).filter(live=True, reviewed__lt=review_cutoff(now))


def needs_review(article: Article, *, now: datetime) -> bool:
    return needing_review(Article.objects.filter(pk=article.pk), now=now).exists()


def send_review_reminders(*, now: datetime, batch: int = 200) -> int:
    """Tell each due article's reviewer (else author), once per review period. Returns how
    many were told."""
    cutoff = review_cutoff(now)
    due = needing_review(Article.objects.all(), now=now).filter(
        Q(review_reminded_at__isnull=True) | Q(review_reminded_at__lt=cutoff)
    )
    told = 0
    for article_id in list(due.order_by("pk").values_list("pk", flat=True)[:batch]):
        told += _remind(article_id, now=now, cutoff=cutoff)
    return told


@transaction.atomic
def _remind(article_id: int, *, now: datetime, cutoff: datetime) -> int:
    # Claimed with a conditional update, so two runs never notify twice.
    claimed = (
        Article.objects.filter(pk=article_id)
        .filter(Q(review_reminded_at__isnull=True) | Q(review_reminded_at__lt=cutoff))
        .update(review_reminded_at=now)
    )
    if not claimed:
        return 0
    article = Article.objects.select_related("reviewer", "author").get(pk=article_id)
    person = article.reviewer or article.author
    title = article.translations.order_by("language").values_list("title", flat=True).first()
    notify(
        person,
        kind=NotificationKind.ARTICLE_REVIEW,
        title=f"Article needs review: {title or article.slug}",
        excerpt=f"Not reviewed for {settings.KNOWLEDGE_REVIEW_MONTHS} months.",
        url=reverse("knowledge:article", args=[article.pk]),
    )
    logger.info("knowledge.review.reminded", extra={"article_id": article.pk})
    return 1
