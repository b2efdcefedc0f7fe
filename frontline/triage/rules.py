"""Triage rules: the only writer of ``TriageRule``, and running the rules on a new ticket.

Rules are validated here (for the API, the workspace form and the admin alike), with a
message naming the field at fault. On a new ticket the active rules run in order; a rule
that matches changes the ticket through the tickets services as the system, so each
change is a ticket event, and leaves a ``RuleFiring`` naming itself. A rule that fails
(stored conditions no longer valid, a change the ticket refuses) is skipped in its own
savepoint, logged, and keeps the error for the rules page: it never stops the ticket.
"""

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from frontline.accounts.models import Team
from frontline.accounts.permissions import can_manage_routing
from frontline.core import conditions
from frontline.core.actors import Actor
from frontline.core.contributions import entries
from frontline.core.errors import PermissionDenied, ValidationFailed
from frontline.tickets.models import Category, Priority, Ticket
from frontline.tickets.services import TicketChanges, update_ticket
from frontline.tickets.services.changes import replace_tags
from frontline.triage.facts import CATALOGUE, TicketFacts
from frontline.triage.models import RuleFiring, TriageRule

logger = logging.getLogger(__name__)

MAX_TAGS = 10
_TAG = re.compile(r"^[\w][\w\-:.]{0,63}$", re.UNICODE)


@dataclass(frozen=True)
class RuleFields:
    """A rule's settings as a form or request gives them; ``None`` leaves one alone."""

    name: str | None = None
    description: str | None = None
    is_active: bool | None = None
    conditions: Any = None
    set_category_id: int | None = None
    clear_category: bool = False
    set_priority: str | None = None
    set_team_id: int | None = None
    clear_team: bool = False
    add_tags: Sequence[str] | None = None
    stop_processing: bool | None = None
    position: int | None = None


@dataclass
class Outcome:
    """What running the rules did to one ticket."""

    fired: list[RuleFiring] = field(default_factory=list)
    failed: list[tuple[TriageRule, str]] = field(default_factory=list)


def ensure_manager(actor: Actor) -> None:
    if actor.user is None or not actor.is_agent or not can_manage_routing(actor.user):
        raise PermissionDenied("Only supervisors and above change triage rules.")


# --- calendars -------------------------------------------------------------------------


def _calendar_source() -> Any:
    """The app that keeps business calendars (``"calendar.hours"`` in
    ``frontline/contributions.py``), or None: triage does not import it."""
    found = entries("calendar.hours")
    return found[0] if found else None


def calendar_exists(calendar_id: int) -> bool:
    source = _calendar_source()
    return bool(source is not None and source.exists(calendar_id))


def calendar_open(calendar_id: int, at: datetime) -> bool:
    source = _calendar_source()
    if source is None:
        raise LookupError("No app provides business calendars.")
    return bool(source.is_open(calendar_id, at))


# --- validation ------------------------------------------------------------------------


def condition_errors(condition: Any) -> list[conditions.ConditionError]:
    return conditions.validate(condition, fields=CATALOGUE, calendar_ids=calendar_exists)


def _clean_conditions(condition: Any) -> dict[str, Any]:
    if not isinstance(condition, dict):
        raise ValidationFailed(
            'Conditions are a JSON object such as {"all": [...]}.', field="conditions"
        )
    errors = condition_errors(condition)
    if errors:
        first = errors[0]
        where = f"conditions.{first.path}" if first.path else "conditions"
        message = "; ".join(str(e) for e in errors[:5])
        raise ValidationFailed(f"Conditions: {message}", field=where)
    return condition


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed("A rule needs a name.", field="name")
    if len(name) > 120:
        raise ValidationFailed("A rule's name is at most 120 characters.", field="name")
    return name


def _clean_priority(priority: str) -> str:
    if priority and priority not in Priority.values:
        choices = ", ".join(Priority.values)
        raise ValidationFailed(f"Priority is one of {choices}.", field="set_priority")
    return priority


def _clean_tags(tags: Sequence[str]) -> list[str]:
    if isinstance(tags, str) or not all(isinstance(t, str) for t in tags):
        raise ValidationFailed("Tags are a list of names.", field="add_tags")
    clean = sorted({t.strip().lower() for t in tags if t.strip()})
    if len(clean) > MAX_TAGS:
        raise ValidationFailed(f"A rule adds at most {MAX_TAGS} tags.", field="add_tags")
    bad = [t for t in clean if not _TAG.match(t)]
    if bad:
        raise ValidationFailed(f"{bad[0]!r} is not a valid tag.", field="add_tags")
    return clean


def _category(category_id: int) -> Category:
    found = Category.objects.filter(pk=category_id, is_active=True).first()
    if found is None:
        raise ValidationFailed(f"There is no category {category_id}.", field="set_category_id")
    return found


def _team(team_id: int) -> Team:
    found = Team.objects.filter(pk=team_id).first()
    if found is None:
        raise ValidationFailed(f"There is no team {team_id}.", field="set_team_id")
    return found


def _apply_fields(rule: TriageRule, fields: RuleFields) -> None:
    if fields.name is not None:
        rule.name = _clean_name(fields.name)
    if fields.description is not None:
        rule.description = fields.description.strip()
    if fields.is_active is not None:
        rule.is_active = fields.is_active
    if fields.conditions is not None:
        rule.conditions = _clean_conditions(fields.conditions)
    if fields.set_category_id is not None:
        rule.set_category = _category(fields.set_category_id)
    elif fields.clear_category:
        rule.set_category = None
    if fields.set_priority is not None:
        rule.set_priority = _clean_priority(fields.set_priority)
    if fields.set_team_id is not None:
        rule.set_team = _team(fields.set_team_id)
    elif fields.clear_team:
        rule.set_team = None
    if fields.add_tags is not None:
        rule.add_tags = _clean_tags(fields.add_tags)
    if fields.stop_processing is not None:
        rule.stop_processing = fields.stop_processing


def _ensure_does_something(rule: TriageRule) -> None:
    if not (rule.set_category_id or rule.set_priority or rule.set_team_id or rule.add_tags):
        raise ValidationFailed(
            "A rule sets a category, priority or team, or adds tags.", field="actions"
        )


# --- writes ----------------------------------------------------------------------------


@transaction.atomic
def create_rule(*, fields: RuleFields, actor: Actor) -> TriageRule:
    ensure_manager(actor)
    if fields.name is None:
        raise ValidationFailed("A rule needs a name.", field="name")
    rule = TriageRule(conditions={"all": []}, created_by=actor.user, updated_by=actor.user)
    _apply_fields(rule, fields)
    _ensure_does_something(rule)
    last = TriageRule.objects.aggregate(last=Max("position"))["last"]
    rule.position = (last + 1) if last is not None else 0
    rule.save()
    if fields.position is not None:
        move_rule(rule, position=fields.position, actor=actor)
    return rule


@transaction.atomic
def update_rule(rule: TriageRule, *, fields: RuleFields, actor: Actor) -> TriageRule:
    ensure_manager(actor)
    rule = TriageRule.objects.select_for_update().get(pk=rule.pk)
    _apply_fields(rule, fields)
    _ensure_does_something(rule)
    rule.updated_by = actor.user
    if fields.conditions is not None:  # a corrected rule starts with a clean slate
        rule.last_error, rule.last_error_at = "", None
    rule.save()
    if fields.position is not None:
        move_rule(rule, position=fields.position, actor=actor)
        rule.refresh_from_db(fields=["position"])
    return rule


@transaction.atomic
def delete_rule(rule: TriageRule, *, actor: Actor) -> None:
    ensure_manager(actor)
    rule.delete()


@transaction.atomic
def move_rule(rule: TriageRule, *, position: int, actor: Actor) -> list[TriageRule]:
    """Put ``rule`` at ``position`` (0 = first) and number every rule 0, 1, 2…"""
    ensure_manager(actor)
    ordered = list(TriageRule.objects.select_for_update().order_by("position", "id"))
    ordered = [r for r in ordered if r.pk != rule.pk]
    ordered.insert(max(0, min(position, len(ordered))), rule)
    changed = []
    for index, item in enumerate(ordered):
        if item.position != index:
            item.position = index
            changed.append(item)
    TriageRule.objects.bulk_update(changed, ["position"])
    return ordered


# --- running ---------------------------------------------------------------------------


def active_rules() -> list[TriageRule]:
    """One query; the actions' category and team come with it."""
    return list(
        TriageRule.objects.filter(is_active=True)
        .select_related("set_category", "set_team")
        .order_by("position", "id")
    )


def matches(rule: TriageRule, facts: TicketFacts) -> bool:
    """Whether ``rule`` matches; raises ``conditions.InvalidCondition`` for a rule whose
    stored conditions are no longer valid (edited in the database, a calendar deleted)."""
    stored = rule.conditions
    if not isinstance(stored, dict):
        raise conditions.InvalidCondition([conditions.ConditionError("", "Not an object.")])
    conditions.ensure_valid(stored, fields=CATALOGUE)
    return conditions.evaluate(stored, facts, calendars=calendar_open)


def run_rules(ticket: Ticket, facts: TicketFacts, *, now: datetime | None = None) -> Outcome:
    """Run the active rules on ``ticket`` (a new one), in the caller's transaction."""
    outcome = Outcome()
    rules = active_rules()
    if not rules:
        return outcome
    moment = now or timezone.now()
    for rule in rules:
        try:
            if not matches(rule, facts):
                continue
            # Its own savepoint: a change the ticket refuses undoes only this rule.
            with transaction.atomic():
                firing, changed = _fire(rule, ticket, moment)
        except Exception as error:
            _record_error(rule, error, moment)
            outcome.failed.append((rule, _describe(error)))
            continue
        if changed is not None:
            _copy_changes(changed, ticket)
        outcome.fired.append(firing)
        if rule.stop_processing:
            break
    return outcome


def _fire(rule: TriageRule, ticket: Ticket, now: datetime) -> tuple[RuleFiring, Ticket | None]:
    actor = Actor.system()
    changes = TicketChanges(
        priority=Priority(rule.set_priority) if rule.set_priority else None,
        team=rule.set_team,
        category=rule.set_category,
    )
    done: dict[str, Any] = {}
    changed = None
    if changes.priority or changes.team or changes.category:
        changed = update_ticket(ticket, changes=changes, actor=actor)
        done.update(_what_changed(ticket, changed))
    if rule.add_tags:
        current = list(ticket.tags.values_list("name", flat=True))
        missing = [t for t in rule.add_tags if t not in current]
        if missing:
            replace_tags(ticket, [*current, *missing], actor=actor)
            done["tags"] = missing
    TriageRule.objects.filter(pk=rule.pk).update(
        match_count=F("match_count") + 1, last_matched_at=now
    )
    firing = RuleFiring.objects.create(
        rule=rule, rule_name=rule.name, ticket=ticket, changes=done, created_at=now
    )
    return firing, changed


def _what_changed(before: Ticket, after: Ticket) -> dict[str, Any]:
    done: dict[str, Any] = {}
    if after.priority != before.priority:
        done["priority"] = after.priority
    if after.team_id != before.team_id:
        done["team"] = after.team.name if after.team else None
    if after.category_id != before.category_id:
        done["category"] = after.category.name if after.category else None
    return done


def _copy_changes(changed: Ticket, ticket: Ticket) -> None:
    """The ticket the creator holds (and answers with) shows what the rule set."""
    ticket.priority = changed.priority
    ticket.team = changed.team
    ticket.category = changed.category
    ticket.assignee = changed.assignee
    ticket.updated_at = changed.updated_at


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def _record_error(rule: TriageRule, error: Exception, now: datetime) -> None:
    logger.warning("triage rule %s (%s) failed: %s", rule.pk, rule.name, _describe(error))
    TriageRule.objects.filter(pk=rule.pk).update(last_error=_describe(error), last_error_at=now)


# --- preview ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    ticket: Ticket
    matched: bool


def preview(condition: Any, *, limit: int = 50) -> list[PreviewRow]:
    """Which of the last ``limit`` tickets ``condition`` matches, as of now; nothing is
    changed. Four queries whatever the count."""
    from frontline.triage.facts import facts_for_tickets

    clean = _clean_conditions(condition)
    tickets = list(
        Ticket.objects.select_related("customer", "organisation", "team", "category")
        .prefetch_related("tags")
        .order_by("-created_at", "-id")[:limit]
    )
    now = timezone.now()
    rows = []
    for ticket, facts in facts_for_tickets(tickets, now=now):
        matched = conditions.evaluate(clean, facts, calendars=calendar_open)
        rows.append(PreviewRow(ticket=ticket, matched=matched))
    return rows
