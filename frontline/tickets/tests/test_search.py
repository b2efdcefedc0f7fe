"""Ticket search: the words, the field syntax, highlighting and who sees what."""

import pytest

from frontline.accounts.models import Team, User
from frontline.core.actors import Actor
from frontline.core.search import QueryError
from frontline.customers.models import Customer
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import Channel, Priority, Status, Ticket
from frontline.tickets.search import TicketHit, highlight, search_tickets

pytestmark = pytest.mark.django_db


def _numbers(actor: Actor, text: str) -> list[int]:
    return [hit.ticket.number for hit in search_tickets(actor, text).hits]


@pytest.fixture
def me(agent: User) -> Actor:
    return Actor.for_user(agent)


def test_words_must_all_match_and_a_phrase_matches_in_order(me: Actor, team: Team) -> None:
    both = factories.make_ticket(team=team, subject="Card declined at checkout")
    factories.make_ticket(team=team, subject="Checkout is slow", body="Card works though")
    reversed_ = factories.make_ticket(team=team, subject="Declined card")

    assert sorted(_numbers(me, "card declined")) == sorted([both.number, reversed_.number])
    assert _numbers(me, '"card declined"') == [both.number]
    assert _numbers(me, "checkout -declined") == [both.number + 1]


def test_status_and_unsolved(me: Actor, agent: User, team: Team) -> None:
    open_one = factories.make_ticket(team=team, subject="Printer jam")
    solved = factories.make_ticket(team=team, subject="Printer fire")
    services.change_status(solved, status=Status.SOLVED, actor=me)

    assert _numbers(me, "printer status:solved") == [solved.number]
    assert _numbers(me, "printer status:unsolved") == [open_one.number]
    assert _numbers(me, "printer -status:solved") == [open_one.number]


def test_tag_priority_channel_team_and_category(me: Actor, team: Team) -> None:
    tagged = factories.make_ticket(
        team=team, subject="Refund please", tags=("refund",), priority=Priority.HIGH
    )
    chat = factories.make_ticket(team=team, subject="Refund by chat", channel=Channel.CHAT)
    category = factories.make_category(name="Payments")
    services.set_category(chat, category=category, actor=me)

    assert _numbers(me, "tag:refund") == [tagged.number]
    assert _numbers(me, "refund priority:high") == [tagged.number]
    assert _numbers(me, "refund channel:chat") == [chat.number]
    assert sorted(_numbers(me, f"refund team:{team.slug}")) == sorted([tagged.number, chat.number])
    assert _numbers(me, 'refund team:"tier 1" -tag:refund') == [chat.number]
    assert _numbers(me, "category:payments") == [chat.number]


def test_from_assignee_org_and_number(me: Actor, agent: User, team: Team) -> None:
    organisation = factories.make_organisation(name="Acme")
    ann = factories.make_customer(email="ann@example.test", organisation=organisation)
    hers = factories.make_ticket(team=team, customer=ann, subject="Invoice copy")
    other = factories.make_ticket(team=team, subject="Invoice total")
    services.assign_ticket(other, assignee=agent, actor=me)

    assert _numbers(me, "from:ANN@example.test") == [hers.number]
    assert _numbers(me, "invoice org:acme") == [hers.number]
    assert _numbers(me, "invoice assignee:me") == [other.number]
    assert _numbers(me, "invoice assignee:none") == [hers.number]
    assert _numbers(me, f"assignee:{agent.email}") == [other.number]
    assert _numbers(me, f"number:{hers.number}") == [hers.number]
    assert _numbers(me, f"#{other.number}") == [other.number]


def test_from_matches_anyone_who_wrote_on_the_ticket(
    me: Actor, team: Team, customer: Customer
) -> None:
    ticket = factories.make_ticket(team=team, subject="Shared office")
    services.add_customer_collaborators(ticket, customers=[customer], actor=me)
    services.reply_to_ticket(ticket, body="Me too", actor=Actor.for_customer(customer))

    assert _numbers(me, "from:carla@example.test") == [ticket.number]


def test_filters_alone_list_newest_updated_first(me: Actor, team: Team) -> None:
    older = factories.make_ticket(team=team, subject="One", tags=("vip",))
    newer = factories.make_ticket(team=team, subject="Two", tags=("vip",))
    services.reply_to_ticket(older, body="Bump", actor=me)

    assert _numbers(me, "tag:vip") == [older.number, newer.number]


def test_paging(me: Actor, team: Team) -> None:
    for n in range(3):
        factories.make_ticket(team=team, subject=f"Lighthouse {n}")

    first = search_tickets(me, "lighthouse", limit=2)
    second = search_tickets(me, "lighthouse", limit=2, offset=2)

    assert (len(first.hits), first.has_more) == (2, True)
    assert (len(second.hits), second.has_more) == (1, False)


@pytest.mark.parametrize(
    "text",
    ["colour:red", "x" * 1001, "-alone", "status:frozen", "priority:meh", "number:abc"],
)
def test_bad_queries_raise_query_error(me: Actor, text: str) -> None:
    with pytest.raises(QueryError):
        search_tickets(me, text)


@pytest.mark.parametrize("text", ['"unbalanced', "* ( ) : ^", "NEAR AND OR", "", "()"])
def test_operators_are_plain_text(me: Actor, team: Team, text: str) -> None:
    factories.make_ticket(team=team, subject="Whatever")

    assert search_tickets(me, text).hits == []


def test_subject_and_snippet_are_highlighted_and_escaped(me: Actor, team: Team) -> None:
    factories.make_ticket(
        team=team, subject="<b>Refunds</b> & more", body="<script>x</script> refund, refund!"
    )

    (hit,) = search_tickets(me, "refund").hits

    assert hit.subject_html == "&lt;b&gt;<mark>Refunds</mark>&lt;/b&gt; &amp; more"
    assert "<mark>refund</mark>" in hit.snippet
    assert "<script>" not in hit.snippet


def test_a_snippet_that_is_the_subject_is_known_as_such(team: Team) -> None:
    ticket = factories.make_ticket(team=team, subject="Toaster & kettle", body="Broken")

    assert TicketHit(ticket, 1.0, "<mark>Toaster</mark> &amp; kettle", "").repeats_subject
    assert not TicketHit(ticket, 1.0, "<mark>Broken</mark>", "").repeats_subject


def test_highlight_escapes_when_nothing_matches() -> None:
    assert highlight("<i>", []) == "&lt;i&gt;"


def test_an_outsider_never_sees_another_teams_ticket(
    outsider: User, supervisor: User, team: Team
) -> None:
    ticket = factories.make_ticket(team=team, subject="Confidential merger")

    assert _numbers(Actor.for_user(outsider), "merger") == []
    assert _numbers(Actor.for_user(outsider), f"#{ticket.number}") == []
    assert _numbers(Actor.for_user(supervisor), "merger") == [ticket.number]


def test_a_customer_finds_only_their_own_tickets_and_no_notes(
    me: Actor, team: Team, customer: Customer, other_customer: Customer
) -> None:
    own = factories.make_ticket(team=team, customer=customer, subject="Broken kettle")
    factories.make_ticket(team=team, customer=other_customer, subject="Broken kettle too")
    services.add_note(own, body="secret lemon", actor=me)
    as_customer = Actor.for_customer(customer)

    assert _numbers(as_customer, "kettle") == [own.number]
    assert _numbers(as_customer, "lemon") == []
    assert _numbers(me, "lemon") == [own.number]


def test_no_one_else_sees_anything(team: Team) -> None:
    factories.make_ticket(team=team, subject="Anything")
    nobody = Actor.for_customer(factories.make_customer())

    assert _numbers(nobody, "anything") == []
    assert Ticket.objects.count() == 1


def test_a_tag_of_two_words_is_found_as_stored(me: Actor, team: Team) -> None:
    ticket = factories.make_ticket(team=team, subject="Returns", tags=("return-label",))

    assert _numbers(me, 'tag:"return label"') == [ticket.number]
