"""Ticket search: the words of the search box over the ``tickets`` index, its filters
(``status:open tag:refund from:ann@example.com``…) as conditions on the tickets the actor
may see. Both run in the database: the filtered, permission-scoped queryset is the scope
the search module matches within, so no hit is ever one the actor cannot open.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from html import unescape

from django.db.models import Q, QuerySet
from django.utils.html import escape

from frontline.accounts.models import User
from frontline.accounts.permissions import is_staff_member
from frontline.core.actors import Actor
from frontline.core.search import TICKETS, Query, QueryError, keywords_query, parse_query, search
from frontline.customers.models import Identity
from frontline.tickets.models import (
    UNSOLVED_STATUSES,
    Channel,
    Message,
    Priority,
    Status,
    Ticket,
)
from frontline.tickets.queries import TICKET_RELATIONS, tickets_visible_to

TICKET_FIELDS = frozenset(
    {
        "status",
        "tag",
        "from",
        "assignee",
        "team",
        "priority",
        "channel",
        "category",
        "org",
        "number",
    }
)
_NUMBER = re.compile(r"#?(\d{1,18})")


@dataclass(frozen=True)
class TicketHit:
    ticket: Ticket
    score: float
    snippet: str
    subject_html: str

    @property
    def repeats_subject(self) -> bool:
        """Whether the snippet is the subject itself (a match in the subject alone), which
        a page shows already."""
        plain = unescape(self.snippet.replace("<mark>", "").replace("</mark>", ""))
        return plain.strip() == self.ticket.subject.strip()


@dataclass(frozen=True)
class TicketResults:
    hits: list[TicketHit]
    has_more: bool
    query: Query


def _choice(name: str, value: str, choices: list[str]) -> str:
    if value not in choices:
        raise QueryError(
            f"{name}:{value} is not one of {', '.join(choices)}.",
            field="q",
        )
    return value


def _status(value: str, actor: Actor) -> Q:
    if value == "unsolved":
        return Q(status__in=UNSOLVED_STATUSES)
    return Q(status=_choice("status", value, [*Status.values, "unsolved"]))


def _tag(value: str, actor: Actor) -> Q:
    name = "-".join(value.split())  # as tags are stored: "two words" is "two-words"
    tagged = Ticket.tags.through.objects.filter(tag__name=name).values("ticket_id")
    return Q(pk__in=tagged)


def _from(value: str, actor: Actor) -> Q:
    # The customer's own addresses, or those of anyone who wrote on the ticket.
    # Id lists, not subqueries: PostgreSQL runs a subquery under an OR once per ticket it
    # walks (minutes at 100,000 tickets), and the ids let both halves use the messages'
    # author indexes.
    people = list(Identity.objects.filter(value=value).values_list("customer_id", flat=True))
    staff = list(User.objects.filter(email__iexact=value).values_list("pk", flat=True))
    written = set(
        Message.objects.filter(Q(author_customer_id__in=people) | Q(author_user_id__in=staff))
        .order_by()
        .values_list("ticket_id", flat=True)
    )
    return Q(customer_id__in=people) | Q(pk__in=sorted(written))


def _assignee(value: str, actor: Actor) -> Q:
    if value == "none":
        return Q(assignee__isnull=True)
    if value == "me":
        return Q(assignee_id=actor.user.pk if actor.user else None)
    return Q(assignee__email__iexact=value)


def _number(value: str, actor: Actor) -> Q:
    match = _NUMBER.fullmatch(value)
    if match is None:
        raise QueryError(f"number:{value} is not a ticket number.", field="q")
    return Q(number=int(match.group(1)))


_FILTERS: dict[str, Callable[[str, Actor], Q]] = {
    "status": _status,
    "tag": _tag,
    "from": _from,
    "assignee": _assignee,
    "team": lambda v, a: Q(team__slug=v) | Q(team__name__iexact=v),
    "priority": lambda v, a: Q(priority=_choice("priority", v, Priority.values)),
    "channel": lambda v, a: Q(channel=_choice("channel", v, Channel.values)),
    "category": lambda v, a: Q(category__slug=v) | Q(category__name__iexact=v),
    "org": lambda v, a: Q(organisation__name__iexact=v),
    "number": _number,
}


def filtered_tickets(actor: Actor, query: Query) -> QuerySet[Ticket]:
    """The tickets ``actor`` may see that pass every filter of ``query``."""
    tickets = tickets_visible_to(actor)
    for name, value in query.filters:
        negated = name.startswith("-")
        condition = _FILTERS[name.lstrip("-")](value.lower(), actor)
        tickets = tickets.exclude(condition) if negated else tickets.filter(condition)
    return tickets


def parse_ticket_query(text: str) -> Query:
    """The search box's syntax; a bare ``#1234`` is the ticket number filter."""
    query = parse_query(text, fields=TICKET_FIELDS)
    numbers = [t for t in query.terms if t.startswith("#") and _NUMBER.fullmatch(t)]
    if numbers:
        query = replace(
            query,
            terms=tuple(t for t in query.terms if t not in numbers),
            filters=(*query.filters, *(("number", n) for n in numbers)),
        )
    if query.excluded and not query.has_text:
        raise QueryError("Add a word to search for: exclusions alone match nothing.", field="q")
    return query


def highlight(text: str, words: list[str]) -> str:
    """``text`` escaped, each word that starts with one of ``words`` wrapped in <mark>."""
    stems = sorted({w.lower() for w in words for w in re.findall(r"\w+", w)}, key=len)
    if not stems:
        return escape(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems[::-1]) + r")\w*", re.I)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts += [escape(text[last : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def _may_read_notes(actor: Actor) -> bool:
    return bool(actor.is_agent and actor.user and is_staff_member(actor.user))


def search_tickets(actor: Actor, text: str, *, limit: int = 20, offset: int = 0) -> TicketResults:
    """One page of the tickets ``actor`` may open that match ``text``, best first; a query
    of filters only lists them newest-updated first. Raises ``QueryError`` (400)."""
    query = parse_ticket_query(text)
    scope = filtered_tickets(actor, query)
    if not query.has_text:
        if not query.filters:
            return TicketResults([], has_more=False, query=query)
        rows = list(
            scope.select_related(*TICKET_RELATIONS).order_by("-updated_at", "-id")[
                offset : offset + limit + 1
            ]
        )
        hits = [TicketHit(t, 0.0, "", escape(t.subject)) for t in rows[:limit]]
        return TicketResults(hits, has_more=len(rows) > limit, query=query)
    page = search(
        TICKETS,
        query,
        scope=scope,
        include_private=_may_read_notes(actor),
        limit=limit,
        offset=offset,
    )
    found = Ticket.objects.select_related(*TICKET_RELATIONS).in_bulk(
        [h.object_id for h in page.hits]
    )
    words = query.words()
    hits = []
    for hit in page.hits:
        ticket = found.get(hit.object_id)
        if ticket is None:
            continue
        hits.append(TicketHit(ticket, hit.score, hit.snippet, highlight(ticket.subject, words)))
    return TicketResults(hits, has_more=page.has_more, query=query)


def similar_solved_tickets(
    actor: Actor, ticket: Ticket, *, text: str, limit: int = 3
) -> list[Ticket]:
    """Solved or closed tickets ``actor`` may open that share most words with ``text`` (the
    ticket's subject and request), best first; never ``ticket`` itself."""
    scope = (
        tickets_visible_to(actor)
        .filter(status__in=[Status.SOLVED, Status.CLOSED], merged_into__isnull=True)
        .exclude(pk=ticket.pk)
    )
    page = search(TICKETS, keywords_query(text), scope=scope, match="any", limit=limit)
    found = Ticket.objects.in_bulk([h.object_id for h in page.hits])
    return [found[h.object_id] for h in page.hits if h.object_id in found]
