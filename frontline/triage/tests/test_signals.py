"""Language and sentiment of every inbound customer message, shown on the ticket."""

from django.test import Client

from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.tickets import services
from frontline.triage.models import MessageSignal
from frontline.triage.signals import read


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_negative_english_message_gets_a_negative_score():
    reading = read("This is the third time it broke. Terrible service, I am furious.")

    assert (reading.language, reading.sentiment_label) == ("en", "negative")
    assert reading.sentiment is not None
    assert reading.sentiment < -0.5


def test_a_german_message_is_read_as_german_without_an_english_score():
    reading = read("Guten Tag, seit dem Update kann ich keine Rechnungen mehr herunterladen.")

    assert reading.language == "de"
    assert reading.language_confidence > 0.9
    assert (reading.sentiment, reading.sentiment_label) == (None, "")


def test_too_little_text_leaves_the_language_unknown():
    assert read("ok").language == ""
    assert read("   ").language == ""


def test_every_inbound_customer_message_gets_a_signal_and_staff_messages_none(
    agent, team, customer
):
    ticket = factories.make_ticket(
        customer=customer,
        team=team,
        subject="Danke",
        body="Vielen Dank für die schnelle Hilfe gestern!",
    )
    services.reply_to_ticket(ticket, body="Glad to help!", actor=Actor.for_user(agent))
    services.reply_to_ticket(
        ticket,
        body="Actually it is broken again and I am really disappointed.",
        actor=Actor.for_customer(customer),
    )

    signals = list(MessageSignal.objects.filter(ticket=ticket).order_by("id"))

    assert [(s.language, s.sentiment_label) for s in signals] == [
        ("de", ""),
        ("en", "negative"),
    ]


def test_the_new_text_of_a_reply_is_read_not_the_quoted_history(customer):
    ticket = services.open_ticket(
        customer=customer,
        subject="Thanks",
        body="Wonderful, thank you so much!\n\n> On Monday you wrote: this is awful and broken",
        visible_text="Wonderful, thank you so much!",
        actor=Actor.for_customer(customer),
    )

    assert MessageSignal.objects.get(ticket=ticket).sentiment_label == "positive"


def test_the_ticket_page_shows_each_messages_language_and_sentiment(agent, team, customer):
    ticket = factories.make_ticket(
        customer=customer, team=team, body="This is terrible, the export is broken again."
    )

    page = signed_in(agent).get(f"/tickets/{ticket.number}/").content.decode()
    panel = signed_in(agent).get(f"/triage/tickets/{ticket.number}/panel/").content.decode()

    assert "English · negative (\u2212" in page
    assert "English · negative" in panel


def test_batch_imports_get_their_readings_in_bulk(customer, django_assert_num_queries):
    from frontline.tickets.models import EventType
    from frontline.triage.handlers import on_messages_added

    tickets = [
        factories.make_ticket(customer=customer, body="Great, thank you so much!") for _ in range(3)
    ]
    MessageSignal.objects.all().delete()
    pairs = [(t.events.get(type=EventType.MESSAGE_ADDED), t) for t in tickets]

    with django_assert_num_queries(2):  # the messages, then one insert
        on_messages_added(pairs)

    assert list(MessageSignal.objects.values_list("sentiment_label", flat=True)) == ["positive"] * 3


def test_the_ticket_api_gives_staff_the_language_and_latest_sentiment(
    agent, team, customer, api_as
):
    ticket = factories.make_ticket(
        customer=customer,
        team=team,
        subject="Export",
        body="Guten Tag, der Export der Rechnungen funktioniert seit gestern nicht mehr. "
        "Können Sie bitte nachsehen, woran das liegt?",
    )
    services.reply_to_ticket(
        ticket,
        body="Thank you so much, it works perfectly now. Great help!",
        actor=Actor.for_customer(customer),
    )

    staff = api_as(agent).get(f"/api/v1/tickets/{ticket.pk}").json()["triage"]
    own = api_as(customer.user).get(f"/api/v1/tickets/{ticket.pk}").json()

    assert staff["language"] == "de"
    assert staff["sentiment_label"] == "positive"
    assert staff["sentiment"] > 0.5
    assert own["triage"] is None
