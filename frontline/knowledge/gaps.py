"""The knowledge gaps report (docs/help-centre.md): searches that found nothing, articles
readers voted unhelpful, and how many requests suggestions headed off, over a period.

Read only by whoever ``can_see_knowledge_gaps``; the callers check. Four queries whatever
the data: one per part, and one for the comments of the articles listed.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from frontline.knowledge.models import (
    ArticleFeedback,
    ArticleTranslation,
    Deflection,
    DeflectionOutcome,
    SearchRecord,
    SearchScope,
)

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
MAX_ROWS = 50
COMMENTS_PER_ARTICLE = 3


@dataclass(frozen=True)
class SearchGap:
    query: str
    count: int
    last_seen: datetime
    by_scope: dict[str, int]


@dataclass(frozen=True)
class UnhelpfulArticle:
    translation: ArticleTranslation
    unhelpful: int
    helpful: int
    comments: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.unhelpful / (self.unhelpful + self.helpful)


@dataclass(frozen=True)
class DeflectionFigures:
    read: int
    answered: int
    not_answered: int
    submitted: int

    @property
    def deflected(self) -> int:
        """Suggestions read (or said to answer) whose reader did not send the request."""
        return self.read - self.not_answered - self.submitted

    @property
    def rate(self) -> float | None:
        return self.deflected / self.read if self.read else None


@dataclass(frozen=True)
class GapsReport:
    days: int
    since: datetime
    searches: list[SearchGap]
    unhelpful: list[UnhelpfulArticle]
    deflection: DeflectionFigures


def knowledge_gaps(*, days: int = DEFAULT_PERIOD, scope: SearchScope | None = None) -> GapsReport:
    since = timezone.now() - timedelta(days=days)
    return GapsReport(
        days=days,
        since=since,
        searches=failed_searches(since=since, scope=scope),
        unhelpful=unhelpful_articles(since=since),
        deflection=deflection_figures(since=since),
    )


def failed_searches(*, since: datetime, scope: SearchScope | None = None) -> list[SearchGap]:
    """Searches with no result, grouped by their normalised text, most frequent first."""
    records = SearchRecord.objects.filter(result_count=0, created_at__gte=since)
    if scope is not None:
        records = records.filter(scope=scope)
    per_scope = {s.value: Count("pk", filter=Q(scope=s.value)) for s in SearchScope}
    rows = (
        records.values("normalized")
        .annotate(count=Count("pk"), last_seen=Max("created_at"), **per_scope)
        .order_by("-count", "-last_seen", "normalized")[:MAX_ROWS]
    )
    return [_search_gap(row) for row in rows]


def _search_gap(row: Mapping[str, Any]) -> SearchGap:
    return SearchGap(
        query=row["normalized"],
        count=row["count"],
        last_seen=row["last_seen"],
        by_scope={s.value: row[s.value] for s in SearchScope if row[s.value]},
    )


def unhelpful_articles(*, since: datetime) -> list[UnhelpfulArticle]:
    """Translations voted unhelpful in the period, most "no" votes first, each with the
    latest comments of those votes."""
    translations = list(
        ArticleTranslation.objects.filter(feedback__created_at__gte=since)
        .annotate(
            unhelpful=Count("feedback", filter=Q(feedback__helpful=False)),
            helpful=Count("feedback", filter=Q(feedback__helpful=True)),
        )
        .filter(unhelpful__gt=0)
        .select_related("article__category")
        .order_by("-unhelpful", "helpful", "pk")[:MAX_ROWS]
    )
    comments = _latest_comments([t.pk for t in translations], since=since)
    return [
        UnhelpfulArticle(
            translation=t,
            unhelpful=t.unhelpful,
            helpful=t.helpful,
            comments=comments.get(t.pk, []),
        )
        for t in translations
    ]


def _latest_comments(translation_ids: list[int], *, since: datetime) -> dict[int, list[str]]:
    if not translation_ids:
        return {}
    rows = (
        ArticleFeedback.objects.filter(
            translation_id__in=translation_ids, helpful=False, created_at__gte=since
        )
        .exclude(comment="")
        .order_by("-created_at", "-pk")
        .values_list("translation_id", "comment")[: MAX_ROWS * 20]
    )
    comments: dict[int, list[str]] = {}
    for translation_id, comment in rows:
        kept = comments.setdefault(translation_id, [])
        if len(kept) < COMMENTS_PER_ARTICLE:
            kept.append(comment)
    return comments


def deflection_figures(*, since: datetime) -> DeflectionFigures:
    outcome = DeflectionOutcome
    figures = Deflection.objects.filter(created_at__gte=since).aggregate(
        read=Count("pk"),
        answered=Count("pk", filter=Q(outcome=outcome.ANSWERED)),
        not_answered=Count("pk", filter=Q(outcome=outcome.NOT_ANSWERED)),
        submitted=Count("pk", filter=Q(outcome=outcome.SUBMITTED)),
    )
    return DeflectionFigures(**figures)
