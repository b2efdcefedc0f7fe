"""How well knowledge search finds the right article, measured on labelled customer messages
(``frontline knowledge evaluate``).

The evaluation set is honest: one article per intent, titled from the label, its body a
sample of that intent's *training* (dev) messages; the queries are the *test* messages,
each run as an anonymous customer through ``search_articles(None, text, natural=True)``,
exactly what the help centre and the portal's request form do. The relevant article of a
query is the one of its label. Out-of-scope messages (clinc150's ``oos``) have no article
and are left out.

Everything is written in one transaction that is rolled back at the end, so the database
is left as it was; published articles already there are set aside (as drafts) inside it,
so the evaluation's articles are the only ones a visitor can find.
"""

import csv
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from frontline.accounts.models import User
from frontline.knowledge.indexing import index_translations
from frontline.knowledge.models import Article, ArticleStatus, ArticleTranslation, Category
from frontline.knowledge.queries import search_articles

DATASETS = ("banking77", "clinc150")
OUT_OF_SCOPE = "oos"
# Training messages written into each intent's article: all of them (banking77 has ~130 an
# intent, clinc150 ~120), which measured best on both (docs/search.md, "Measured").
MESSAGES_PER_ARTICLE = 200


def data_directory() -> Path:
    """``shared/data/tickets`` next to the checkout (see shared/data/SOURCES.md)."""
    return Path(settings.BASE_DIR).parent / "shared" / "data" / "tickets"


@dataclass(frozen=True)
class Example:
    text: str
    label: str


@dataclass(frozen=True)
class Result:
    dataset: str
    intents: int
    queries: int
    top: int
    recall_at_1: float
    recall_at_k: float
    mrr: float


def read_examples(path: Path) -> list[Example]:
    with path.open(newline="", encoding="utf-8") as file:
        rows = csv.DictReader(file)
        return [
            Example(" ".join(row["text"].split()), row["label"].strip())
            for row in rows
            if row["label"].strip() != OUT_OF_SCOPE
        ]


def title_for(label: str) -> str:
    words = label.replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def article_body(messages: Sequence[str]) -> str:
    """The article's Markdown: the questions customers asked, as a list."""
    return "Customers ask:\n\n" + "\n".join(f"- {m}" for m in messages) + "\n"


def _by_label(examples: Sequence[Example]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for example in examples:
        grouped[example.label].append(example.text)
    return dict(sorted(grouped.items()))


def _write_articles(
    training: dict[str, list[str]], *, messages: int, rng: random.Random
) -> dict[str, int]:
    """One published public article per intent; returns translation ids by label."""
    author = User.objects.create(email="evaluation@frontline.invalid", name="Evaluation")
    category = Category.objects.create(name="Evaluation", slug="evaluation-set")
    now = timezone.now()
    ids: dict[str, int] = {}
    for position, (label, texts) in enumerate(training.items()):
        article = Article.objects.create(
            category=category, slug=f"intent-{position}", author=author, position=position
        )
        sample = rng.sample(texts, min(messages, len(texts)))
        translation = ArticleTranslation.objects.create(
            article=article,
            language="en",
            title=title_for(label),
            body_markdown=article_body(sample),
            status=ArticleStatus.PUBLISHED,
            published_at=now,
        )
        ids[label] = translation.pk
    index_translations(sorted(ids.values()))
    return ids


def _rank(text: str, relevant: int, top: int) -> int | None:
    hits = search_articles(None, text, natural=True, limit=top).hits
    found = [hit.translation.pk for hit in hits]
    return found.index(relevant) + 1 if relevant in found else None


def evaluate(
    dataset: str,
    *,
    top: int = 5,
    messages: int = MESSAGES_PER_ARTICLE,
    intents: int | None = None,
    directory: Path | None = None,
    seed: int = 1,
    progress: Callable[[int], object] = lambda n: None,
) -> Result:
    """recall@1, recall@``top`` and MRR (within the top) of ``dataset``'s test messages;
    ``intents`` keeps only the first that-many intents (by label) for a quick run."""
    folder = directory or data_directory()
    training = _by_label(read_examples(folder / f"{dataset}-dev.csv"))
    if intents is not None:
        training = dict(list(training.items())[:intents])
    tests = [e for e in read_examples(folder / f"{dataset}-test.csv") if e.label in training]
    ranks: list[int | None] = []
    with transaction.atomic():
        ArticleTranslation.objects.filter(status=ArticleStatus.PUBLISHED).update(
            status=ArticleStatus.DRAFT
        )
        ids = _write_articles(training, messages=messages, rng=random.Random(seed))  # noqa: S311 - a sample, not a secret
        for example in tests:
            ranks.append(_rank(example.text, ids[example.label], top))
            progress(1)
        transaction.set_rollback(True)
    return _result(dataset, len(training), top, ranks)


def _result(dataset: str, intents: int, top: int, ranks: Sequence[int | None]) -> Result:
    count = len(ranks) or 1
    return Result(
        dataset=dataset,
        intents=intents,
        queries=len(ranks),
        top=top,
        recall_at_1=sum(1 for r in ranks if r == 1) / count,
        recall_at_k=sum(1 for r in ranks if r is not None) / count,
        mrr=sum(1 / r for r in ranks if r is not None) / count,
    )
