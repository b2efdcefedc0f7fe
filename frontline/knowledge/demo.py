"""The knowledge base's part of the demo: eight categories with sections and 70-odd help
articles on what the demo's tickets ask about, in English and (18 of them) German; public
ones, internal playbooks and a few for chosen organisations; drafts, articles due for
review, view counts, votes with comments, and searches that found nothing for the gaps
report.

Everything is written through ``knowledge.services``, so the search index holds every
translation; dates and counters are set afterwards in bulk (they are not indexed).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from frontline.accounts.models import Role, User
from frontline.accounts.permissions import PUBLISHES_ARTICLES
from frontline.core.actors import Actor
from frontline.customers.models import Customer, Organisation
from frontline.knowledge import services
from frontline.knowledge.demo_texts import CATEGORIES, DemoArticle, all_articles
from frontline.knowledge.indexing import deferred_indexing
from frontline.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleStatus,
    ArticleTranslation,
    ArticleVersion,
    Category,
    SearchRecord,
    SearchScope,
    Section,
    Visibility,
)

SEED = 15
CONTACT = "\n\nStill stuck? Write to us from the dashboard under **Help → Contact us**.\n"

# What visitors searched for and found nothing: the knowledge gaps report's first rows.
UNANSWERED = (
    ("gift cards", 9), ("split the bill between guests", 7), ("apple pay not working", 5),
    ("change the logo on receipts", 4), ("delete my account", 3), ("kassenbuch export", 3),
    ("tap to pay on iphone", 2), ("offline mode limit", 2),
)  # fmt: skip
ANSWERED = ("refund", "password reset", "payout missing", "printer", "tips", "vat number")

FEEDBACK = (
    (False, "The steps don't match my terminal: there is no Settings → Printer menu on mine."),
    (False, "I still don't know when my refund will arrive."),
    (False, "Please add how to do this on the mobile app."),
    (False, ""),
    (True, "Clear and quick, thanks."),
    (True, "Found the backup codes, that saved me."),
    (True, ""),
    (False, "The link in step 3 goes to a page that doesn't exist."),
    (True, "Worked after re-pairing the reader."),
    (False, "Too long, I just needed the payout times."),
    (True, "Ja, hat geholfen."),
    (False, "Nicht hilfreich, mein Problem ist ein anderes."),
)


@dataclass(frozen=True)
class Cast:
    publisher: User
    writers: list[User]


def _cast() -> Cast | None:
    people = User.objects.filter(is_active=True).order_by("pk")
    publisher = people.filter(role__in=PUBLISHES_ARTICLES).first()
    if publisher is None:
        return None
    writers = list(people.filter(role__in=(Role.ASSOCIATE, Role.ENGINEER))[:8]) or [publisher]
    return Cast(publisher, writers)


def load_demo(*, now: datetime) -> None:
    cast = _cast()
    if cast is None or Category.objects.exists():
        return  # no staff to write as, or already loaded
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    places = _categories(Actor.for_user(cast.publisher))
    organisations = {o.name: o for o in Organisation.objects.all()}
    written = []
    with deferred_indexing():
        for index, demo in enumerate(all_articles()):
            chosen = [organisations[n] for n in demo.organisations if n in organisations]
            if demo.organisations and not chosen:
                continue  # the organisation is not in this demo
            writer = cast.writers[index % len(cast.writers)]
            second = index % 6 == 0
            written.append(
                (_write(demo, places, chosen, writer, cast.publisher, second=second), demo)
            )
    _date(written, now=now, rng=rng)
    _counters(rng)
    _feedback(now=now, rng=rng)
    _searches(now=now, rng=rng)


def _categories(actor: Actor) -> dict[str, tuple[Category, dict[str, Section]]]:
    places = {}
    for position, (key, name, description, sections) in enumerate(CATEGORIES):
        category = services.create_category(
            name=name, description=description, position=position, actor=actor
        )
        made = {
            s: services.create_section(category=category, name=s, position=i, actor=actor)
            for i, s in enumerate(sections)
        }
        places[key] = (category, made)
    return places


def _write(
    demo: DemoArticle,
    places: dict[str, tuple[Category, dict[str, Section]]],
    organisations: list[Organisation],
    writer: User,
    publisher: User,
    *,
    second: bool,
) -> Article:
    category, sections = places[demo.category]
    author, editor = Actor.for_user(writer), Actor.for_user(publisher)
    article = services.create_article(
        category=category,
        section=sections.get(demo.section),
        title=demo.english.title,
        body_markdown=demo.english.markdown,
        visibility=Visibility(demo.visibility),
        organisations=organisations,
        tags=demo.tags,
        reviewer=publisher if demo.visibility == Visibility.INTERNAL else None,
        actor=author,
    )
    english = article.translations.get()
    if second:
        services.save_translation(
            english,
            title=demo.english.title,
            body_markdown=demo.english.markdown + CONTACT,
            note="Added where to ask for help",
            actor=author,
        )
    if "draft" not in demo.flags:
        services.publish_translation(english, actor=editor)
    if demo.german is not None:
        german = services.add_translation(
            article,
            language="de",
            title=demo.german.title,
            body_markdown=demo.german.markdown,
            actor=author,
        )
        if not demo.flags & {"draft", "de-draft"}:
            services.publish_translation(german, actor=editor)
    return article


def _date(written: list[tuple[Article, DemoArticle]], *, now: datetime, rng: random.Random) -> None:
    """Spread the articles over the last year; ``stale`` ones were last reviewed before the
    review period, the rest recently (or never, if they are new)."""
    period = timedelta(days=31 * settings.KNOWLEDGE_REVIEW_MONTHS)
    for article, demo in written:
        if "stale" in demo.flags:
            created = now - period - timedelta(days=rng.randint(60, 200))
            reviewed: datetime | None = created + timedelta(days=rng.randint(5, 30))
        else:
            created = now - timedelta(days=rng.randint(20, 170), hours=rng.randint(0, 23))
            reviewed = None if rng.random() < 0.3 else now - timedelta(days=rng.randint(1, 19))
        Article.objects.filter(pk=article.pk).update(
            created_at=created, updated_at=reviewed or created, last_reviewed_at=reviewed
        )
        translations = ArticleTranslation.objects.filter(article=article)
        translations.filter(status=ArticleStatus.PUBLISHED).update(
            published_at=created + timedelta(days=1)
        )
        ArticleVersion.objects.filter(translation__article=article, number=1).update(
            created_at=created
        )
        ArticleVersion.objects.filter(translation__article=article, number__gt=1).update(
            created_at=created + timedelta(days=2)
        )


def _counters(rng: random.Random) -> None:
    published = list(ArticleTranslation.objects.filter(status=ArticleStatus.PUBLISHED))
    for translation in published:
        views = rng.randint(15, 2400) // (3 if translation.language == "de" else 1)
        translation.view_count = views
        translation.helpful_count = int(views * rng.uniform(0.02, 0.08))
        translation.unhelpful_count = int(views * rng.uniform(0.0, 0.03))
    ArticleTranslation.objects.bulk_update(
        published, ["view_count", "helpful_count", "unhelpful_count"]
    )


def _feedback(*, now: datetime, rng: random.Random) -> None:
    public = ArticleTranslation.objects.filter(
        status=ArticleStatus.PUBLISHED, article__visibility=Visibility.PUBLIC
    ).order_by("pk")
    english = list(public.filter(language="en"))
    german = list(public.filter(language="de"))
    customers = list(Customer.objects.order_by("pk")[:50])
    rows = []
    for index, (helpful, comment) in enumerate(FEEDBACK):
        pool = german if comment and index >= len(FEEDBACK) - 2 and german else english
        rows.append(
            ArticleFeedback(
                translation=rng.choice(pool),
                helpful=helpful,
                comment=comment,
                customer=rng.choice(customers) if customers and rng.random() < 0.6 else None,
                created_at=now - timedelta(days=rng.randint(0, 25), hours=rng.randint(0, 23)),
            )
        )
    ArticleFeedback.objects.bulk_create(rows)


def _searches(*, now: datetime, rng: random.Random) -> None:
    rows = []
    scopes = (SearchScope.HELP_CENTRE, SearchScope.PORTAL)
    for query, times in UNANSWERED:
        for _ in range(times):
            rows.append(_search(query, 0, rng.choice(scopes), now=now, rng=rng))
    for query in ANSWERED:
        for _ in range(rng.randint(3, 12)):
            rows.append(_search(query, rng.randint(1, 8), rng.choice(scopes), now=now, rng=rng))
    SearchRecord.objects.bulk_create(rows)


def _search(
    query: str, results: int, scope: SearchScope, *, now: datetime, rng: random.Random
) -> SearchRecord:
    return SearchRecord(
        query=query,
        normalized=" ".join(query.lower().split()),
        scope=scope,
        result_count=results,
        language="de" if query == "kassenbuch export" else "en",
        created_at=now - timedelta(days=rng.randint(0, 29), minutes=rng.randint(0, 1400)),
    )
