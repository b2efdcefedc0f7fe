"""Loading the ticket a trigger job checks, with the relations its candidates read, in
one query whose SQL is compiled once per set of relations.

A job that matches nothing is mostly this load: building the SQL of a five-way
``select_related`` costs the ORM ten times what the database needs to answer it (0.7 ms
against 0.06 ms on SQLite), and the job runs after every ticket change. The rows become
model instances exactly as a queryset would make them (``ModelIterable``), converters and
related instances included.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connections
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

from frontline.tickets.models import Ticket

# A ticket id no ticket has: its place among the parameters is where the real one goes.
_PLACEHOLDER = -7_316_829_451


@dataclass(frozen=True)
class _Prepared:
    alias: str
    sql: str
    params: tuple[Any, ...]
    compiler: SQLCompiler


@cache
def _prepared(related: frozenset[str], alias: str) -> _Prepared:
    queryset = Ticket.objects.using(alias).select_related(*sorted(related)).order_by()
    compiler = queryset.filter(pk=_PLACEHOLDER)[:1].query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    return _Prepared(alias, sql, tuple(params), compiler)


def load_ticket(ticket_id: int, related: Iterable[str], *, alias: str = "default") -> Ticket | None:
    """``Ticket.objects.select_related(*related).filter(pk=ticket_id).first()``, faster."""
    prepared = _prepared(frozenset(related), alias)
    params = [ticket_id if value == _PLACEHOLDER else value for value in prepared.params]
    with connections[alias].cursor() as cursor:
        cursor.execute(prepared.sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    compiler = prepared.compiler
    select, klass_info = compiler.select, compiler.klass_info
    assert klass_info is not None  # noqa: S101 - set by as_sql
    first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    names = [column[0].target.attname for column in select[first:last]]
    converted = next(iter(compiler.results_iter([[row]])))
    ticket = Ticket.from_db(alias, names, converted[first:last])
    # django-stubs describes a later Django here (a fetch_mode argument); 5.2 takes three.
    for populator in get_related_populators(klass_info, select, alias):  # type: ignore[call-arg]
        populator.populate(converted, ticket)
    return ticket
