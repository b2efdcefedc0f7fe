"""What readers did in the demo (called after ``knowledge.demo`` wrote the articles):
searches, some of which found nothing, "was this helpful?" votes with comments, and
suggestions read from the portal's request form, so the help centre's popular articles
and the knowledge gaps report show something real. Loading twice writes nothing new."""

import random
from datetime import datetime, timedelta

from django.db.models import Count, Q

from frontline.knowledge.models import (
    ArticleFeedback,
    ArticleStatus,
    ArticleTranslation,
    Deflection,
    DeflectionOutcome,
    SearchRecord,
    SearchScope,
    Visibility,
)
from frontline.tickets.models import Channel, Ticket

SEED = 15
DAYS = 80
# What people looked for that no article answers: the gaps the report should show.
GAPS = (
    ("Pay by wire transfer", 14),
    ("invoice in PDF", 11),
    ("change company name", 9),
    ("delete my account", 8),
    ("API rate limit", 6),
    ("two-factor authentication lost phone", 5),
    ("VAT number on invoice", 4),
    ("export all my data", 3),
)
SCOPES = (SearchScope.HELP_CENTRE, SearchScope.PORTAL, SearchScope.WORKSPACE, SearchScope.API)
UNHELPFUL_COMMENTS = (
    "The screenshots do not match what I see.",
    "It does not say how long it takes.",
    "Missing the steps for the mobile app.",
    "I followed this and it still does not work.",
)


def load_demo(*, now: datetime) -> None:
    if SearchRecord.objects.exists():
        return
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    live = list(
        ArticleTranslation.objects.filter(
            status=ArticleStatus.PUBLISHED, article__visibility=Visibility.PUBLIC
        ).order_by("pk")
    )
    SearchRecord.objects.bulk_create(_searches(rng, live, now=now))
    if live:
        ArticleFeedback.objects.bulk_create(_votes(rng, live, now=now))
        _count_votes_and_views(rng, live)
        Deflection.objects.bulk_create(_deflections(rng, live, now=now))


def _ago(rng: random.Random, now: datetime) -> datetime:
    return now - timedelta(minutes=rng.randint(5, DAYS * 24 * 60))


def _searches(
    rng: random.Random, live: list[ArticleTranslation], *, now: datetime
) -> list[SearchRecord]:
    found = [(t.title.lower(), rng.randint(1, 8)) for t in live[:40]]
    wanted = [(text, 0) for text, times in GAPS for _ in range(times)]
    wanted += [(text, hits) for text, hits in found for _ in range(rng.randint(1, 4))]
    return [
        SearchRecord(
            query=text,
            normalized=" ".join(text.lower().split()),
            scope=rng.choice(SCOPES),
            result_count=hits,
            language="en",
            created_at=_ago(rng, now),
        )
        for text, hits in wanted
    ]


def _votes(
    rng: random.Random, live: list[ArticleTranslation], *, now: datetime
) -> list[ArticleFeedback]:
    unclear = set(rng.sample(range(len(live)), k=min(6, len(live))))
    votes = []
    for n, translation in enumerate(live):
        no_share = 0.6 if n in unclear else 0.1
        for _ in range(rng.randint(2, 14)):
            helpful = rng.random() > no_share
            comment = "" if helpful or rng.random() < 0.6 else rng.choice(UNHELPFUL_COMMENTS)
            votes.append(
                ArticleFeedback(
                    translation=translation,
                    helpful=helpful,
                    comment=comment,
                    created_at=_ago(rng, now),
                )
            )
    return votes


def _count_votes_and_views(rng: random.Random, live: list[ArticleTranslation]) -> None:
    tallies = ArticleTranslation.objects.filter(pk__in=[t.pk for t in live]).annotate(
        yes=Count("feedback", filter=Q(feedback__helpful=True)),
        no=Count("feedback", filter=Q(feedback__helpful=False)),
    )
    counted = {t.pk: (t.yes, t.no) for t in tallies}
    for translation in live:
        translation.helpful_count, translation.unhelpful_count = counted[translation.pk]
        translation.view_count = max(translation.view_count, int(rng.paretovariate(1.2) * 40))
    ArticleTranslation.objects.bulk_update(
        live, ["helpful_count", "unhelpful_count", "view_count"], batch_size=500
    )


def _deflections(
    rng: random.Random, live: list[ArticleTranslation], *, now: datetime
) -> list[Deflection]:
    requests = list(
        Ticket.objects.filter(channel=Channel.PORTAL)
        .order_by("-created_at")
        .values_list("pk", "customer_id", "subject", "created_at")[:120]
    )
    outcomes = (
        (DeflectionOutcome.READ, 45),
        (DeflectionOutcome.ANSWERED, 30),
        (DeflectionOutcome.NOT_ANSWERED, 10),
        (DeflectionOutcome.SUBMITTED, 15),
    )
    made = []
    for ticket_id, customer_id, subject, created_at in requests:
        outcome = rng.choices([o for o, _ in outcomes], [w for _, w in outcomes])[0]
        submitted = outcome == DeflectionOutcome.SUBMITTED
        when = created_at - timedelta(minutes=3) if submitted else _ago(rng, now)
        made.append(
            Deflection(
                translation=rng.choice(live),
                customer_id=customer_id,
                query=subject[:500],
                outcome=outcome,
                ticket_id=ticket_id if submitted else None,
                created_at=when,
                updated_at=when + timedelta(minutes=2),
            )
        )
    return made
