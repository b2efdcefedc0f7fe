"""The demo's searches, votes and deflections (``knowledge/gaps_demo.py``)."""

import pytest
from django.utils import timezone

from frontline.knowledge import gaps_demo
from frontline.knowledge.gaps import knowledge_gaps
from frontline.knowledge.models import ArticleFeedback, Deflection, SearchRecord
from frontline.knowledge.tests.factories import make_article
from frontline.testing import factories
from frontline.tickets.models import Channel


@pytest.mark.django_db
def test_the_demo_fills_the_gaps_report_and_loads_once(team):
    articles = [make_article(f"How to do thing {n}", "Steps.") for n in range(10)]
    customer = factories.make_customer()
    for n in range(5):
        factories.make_ticket(
            customer=customer, team=team, subject=f"Help {n}", channel=Channel.PORTAL
        )
    gaps_demo.load_demo(now=timezone.now())

    report = knowledge_gaps(days=90)
    assert report.searches[0].query == "pay by wire transfer"
    assert report.searches[0].count == 14
    assert report.unhelpful
    assert report.deflection.read == Deflection.objects.count() > 0
    first = articles[0]
    first.refresh_from_db()
    assert first.helpful_count + first.unhelpful_count == first.feedback.count()
    counts = (SearchRecord.objects.count(), ArticleFeedback.objects.count())
    gaps_demo.load_demo(now=timezone.now())
    assert (SearchRecord.objects.count(), ArticleFeedback.objects.count()) == counts
