"""Support text for ``frontline bench search``: subjects and messages from a vocabulary of
support topics, varied enough that common words are common and rare ones rare, as in a
real helpdesk (a product name in a few thousand tickets, an error code in a few dozen).
"""

import random
from collections.abc import Callable
from dataclasses import dataclass

PRODUCTS = (
    "card reader", "receipt printer", "barcode scanner", "cash drawer", "tablet stand",
    "kitchen display", "payment terminal", "label printer", "customer display", "scale",
)  # fmt: skip
PLACES = ("front counter", "back office", "warehouse", "second store", "pop-up stand", "bar")
WORDS = (
    "yesterday", "this morning", "since the update", "after the restart", "every evening",
    "at closing time", "during lunch rush", "on weekends", "intermittently", "all day",
)  # fmt: skip
# Rare words: a few tickets each, the searches that must still be fast.
RARE = (
    "zirconia", "obsidian", "marmalade", "quokka", "tamarind", "verbena", "halyard",
    "juniper", "cobalt", "saffron", "pelican", "wisteria", "fennel", "lagoon", "topaz",
)  # fmt: skip


@dataclass(frozen=True)
class Topic:
    slug: str
    subjects: tuple[str, ...]
    opening: tuple[str, ...]
    replies: tuple[str, ...]
    tags: tuple[str, ...]


TOPICS = (
    Topic(
        "refund",
        ("Refund for order {order}", "Charged twice for order {order}", "Where is my refund?"),
        (
            "I was charged twice for order {order} and would like a refund of the second payment.",
            "I returned the {product} {when} but the refund has not arrived on my card.",
            "Please cancel order {order} and refund the full amount, it was placed by mistake.",
        ),
        (
            "I have issued the refund for order {order}; it takes three to five business days "
            "to show on the card statement.",
            "The duplicate charge was an authorisation hold and will drop off automatically.",
        ),
        ("refund", "billing"),
    ),
    Topic(
        "login",
        ("Cannot sign in", "Password reset email never arrives", "Locked out of my account"),
        (
            "The sign-in page says my password is wrong, and the reset email never arrives.",
            "My account was locked after too many attempts {when}; I need access today.",
            "Two-factor codes from the authenticator app are rejected since the update.",
        ),
        (
            "I have unlocked your account and sent a new password reset link to your address.",
            "Please check the clock on your phone: two-factor codes depend on the exact time.",
        ),
        ("login", "account"),
    ),
    Topic(
        "hardware",
        ("{product} stopped working", "{product} shows error {code}", "Broken {product}"),
        (
            "The {product} at our {place} stops {when} and shows error {code}. We restarted "
            "it twice already.",
            "Our {product} no longer connects over Bluetooth; the light blinks orange.",
            "The {product} makes a grinding noise and the paper jams after every order.",
        ),
        (
            "Error {code} means the firmware is out of date. Hold the power button for ten "
            "seconds to start the update.",
            "I am sending a replacement {product}; please return the faulty one with the label "
            "in the box.",
        ),
        ("hardware", "device"),
    ),
    Topic(
        "shipping",
        ("Order {order} has not arrived", "Tracking number not working", "Damaged delivery"),
        (
            "My order {order} was due last week but the tracking page has not changed since.",
            "The parcel arrived damaged and the {product} inside is cracked.",
            "Can you change the delivery address for order {order} to our {place}?",
        ),
        (
            "The courier confirms the parcel is delayed at the depot; it will arrive within two "
            "days.",
            "I have changed the delivery address and sent the new tracking link.",
        ),
        ("shipping", "delivery"),
    ),
    Topic(
        "invoice",
        ("Invoice for {month}", "VAT number missing on invoice", "Wrong amount on invoice"),
        (
            "Our invoice for {month} shows the wrong amount and is missing our VAT number.",
            "Please send a copy of the invoice for order {order} to our accountant.",
            "We were billed for three devices but only use two {when}.",
        ),
        (
            "I corrected the invoice for {month} and added your VAT number; the new PDF is "
            "attached.",
            "Your subscription now covers two devices from the next billing cycle.",
        ),
        ("invoice", "billing"),
    ),
    Topic(
        "integration",
        ("API returns 500", "Webhook not firing", "Sync with accounting stopped"),
        (
            "The API returns 500 for every request to the orders endpoint {when}.",
            "Our webhook stopped receiving events after the update; the last one was {when}.",
            "The sync with our accounting software stopped and shows error {code}.",
        ),
        (
            "We found a bug in the orders endpoint and deployed a fix; please retry.",
            "Your webhook endpoint returned 410, so we paused it. Re-enable it in settings.",
        ),
        ("api", "integration"),
    ),
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")
CLOSINGS = ("Thanks", "Best regards", "Kind regards", "Cheers", "Thank you")


def fill(rng: random.Random, template: str) -> str:
    return template.format(
        order=f"{rng.randrange(100_000, 999_999)}",
        product=rng.choice(PRODUCTS),
        place=rng.choice(PLACES),
        when=rng.choice(WORDS),
        code=f"E-{rng.randrange(1000, 9999)}",
        month=rng.choice(MONTHS),
    )


def subject(rng: random.Random, topic: Topic) -> str:
    text = fill(rng, rng.choice(topic.subjects))
    return text[0].upper() + text[1:]


def customer_message(rng: random.Random, topic: Topic, name: str) -> str:
    text = fill(rng, rng.choice(topic.opening))
    if rng.random() < 0.002:
        text += f" The model is called {rng.choice(RARE)}."
    return f"Hello,\n\n{text}\n\n{rng.choice(CLOSINGS)},\n{name}"


def agent_message(rng: random.Random, topic: Topic, name: str, agent: str) -> str:
    text = fill(rng, rng.choice(topic.replies))
    return f"Hi {name.split()[0]},\n\n{text}\n\nBest,\n{agent}"


def article(rng: random.Random, topic: Topic, n: int) -> tuple[str, str]:
    """A knowledge-base article of the topic: its title and Markdown body."""
    title = subject(rng, topic).replace("?", "")
    steps = "\n".join(f"{i}. {fill(rng, rng.choice(topic.replies))}" for i in range(1, 4))
    body = f"{fill(rng, rng.choice(topic.opening))}\n\n## What to do\n\n{steps}\n"
    return f"{title} ({n})", body


def agent_queries(
    rng: random.Random, count: int, *, emails: list[str], numbers: list[int]
) -> list[str]:
    """What agents type into the search box, in a realistic mix."""
    common = ["refund", "invoice", "printer", "password", "error", "order", "tracking", "api"]
    pairs = ["receipt printer", "password reset", "damaged delivery", "wrong amount", "webhook"]
    makers: list[Callable[[], str]] = [
        lambda: rng.choice(common),
        lambda: rng.choice(RARE),
        lambda: f"E-{rng.randrange(1000, 9999)}",
        lambda: rng.choice(pairs),
        lambda: f"{rng.choice(PRODUCTS)} {rng.choice(('error', 'broken', 'jams'))}",
        lambda: '"' + rng.choice(("paper jams", "reset email", "tracking page")) + '"',
        lambda: f"{rng.choice(common)} status:open",
        lambda: f"{rng.choice(common)} tag:{rng.choice(TOPICS).tags[0]}",
        lambda: f"from:{rng.choice(emails)}",
        lambda: f"{rng.choice(common)} from:{rng.choice(emails)}",
        lambda: f"#{rng.choice(numbers)}",
        lambda: f"{rng.choice(common)} -{rng.choice(common)}",
    ]
    return [makers[i % len(makers)]() for i in range(count)]


def customer_queries(rng: random.Random, count: int) -> list[str]:
    """What customers type into the help centre, in their own words."""
    questions = [
        "how do i get a refund",
        "my printer shows an error",
        "reset my password",
        "where is my order",
        "invoice is wrong",
        "card reader not connecting bluetooth",
        "change delivery address",
        "webhook stopped working",
        "charged twice",
        "locked out of account two factor",
    ]
    return [rng.choice(questions) + rng.choice(("", "?", " please", " asap")) for _ in range(count)]
