"""The retrieval evaluation on a small slice of banking77: ten intents, their test messages.

A floor a broken ranking would miss (ten articles: chance puts the right one in the top five
half the time), on whichever database this run uses; the evaluation rolls back what it wrote.
"""

import pytest

from frontline.knowledge.evaluation import data_directory, evaluate, read_examples, title_for
from frontline.knowledge.models import Article, ArticleStatus, ArticleTranslation

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not data_directory().is_dir(), reason="shared/data is not checked out"),
]


def test_ten_intents_are_found_well_above_chance():
    result = evaluate("banking77", intents=10, top=5)

    assert result.intents == 10
    assert result.queries == 400
    assert result.recall_at_k > 0.9
    assert result.recall_at_1 > 0.7
    assert result.mrr > 0.75


def test_the_evaluation_leaves_the_knowledge_base_as_it_was():
    evaluate("clinc150", intents=3, top=5)

    assert not Article.objects.exists()
    assert not ArticleTranslation.objects.filter(status=ArticleStatus.PUBLISHED).exists()


def test_articles_never_hold_test_messages():
    training = {e.text for e in read_examples(data_directory() / "banking77-dev.csv")}
    tests = {e.text for e in read_examples(data_directory() / "banking77-test.csv")}

    assert len(tests - training) > 0.95 * len(tests)


def test_out_of_scope_messages_have_no_article():
    examples = read_examples(data_directory() / "clinc150-test.csv")

    assert "oos" not in {e.label for e in examples}
    assert title_for("card_arrival") == "Card arrival"
