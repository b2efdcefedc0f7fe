"""Tiny labelled tickets for the classifier's tests: three topics with their own words."""

import random

from frontline.accounts.models import Team
from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import Category, Status, Ticket

TOPICS = {
    "billing": "invoice charged twice refund payment card bill amount receipt",
    "login": "password sign in locked account reset login two factor code",
    "shipping": "parcel delivery tracking courier arrived package address late",
}


def topic_text(topic: str, rng: random.Random) -> tuple[str, str]:
    words = TOPICS[topic].split()
    subject = " ".join(rng.sample(words, 3))
    body = "Hello, " + " ".join(rng.choices(words, k=8)) + ". Thanks"
    return subject, body


def categories() -> dict[str, Category]:
    return {
        topic: Category.objects.get_or_create(slug=topic, defaults={"name": topic.title()})[0]
        for topic in TOPICS
    }


def solved_tickets(
    per_topic: int, *, teams: dict[str, Team] | None = None, seed: int = 1
) -> list[Ticket]:
    """``per_topic`` solved tickets of each topic, categorised (and given the topic's team)."""
    rng = random.Random(seed)
    cats = categories()
    customer = factories.make_customer()
    made = []
    for topic in TOPICS:
        for _ in range(per_topic):
            subject, body = topic_text(topic, rng)
            ticket = services.open_ticket(
                customer=customer,
                subject=subject,
                body=body,
                actor=Actor.system(),
                category=cats[topic],
                team=teams[topic] if teams else None,
            )
            changes = services.TicketChanges(status=Status.SOLVED)
            made.append(services.update_ticket(ticket, changes=changes, actor=Actor.system()))
    return made
