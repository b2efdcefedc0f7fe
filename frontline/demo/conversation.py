"""The conversation of a regular ticket: the turns that lead to its end state, timed."""

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from frontline.customers.models import Tier
from frontline.demo.plans import Plan, Step, lognormal
from frontline.demo.rows import Who
from frontline.demo.world import Agent, TeamInfo
from frontline.tickets.models import Channel, Priority, Status

if TYPE_CHECKING:
    from frontline.demo.lifecycle import Lifecycle

Turn = tuple[str, str, Status | None]
# (category, team it leaves, team it goes to, chance) when the first agent cannot solve it.
_ESCALATIONS = (
    ("bug", "tier-2", "tier-3", 0.25),
    ("integrations", "tier-2", "tier-3", 0.12),
    ("login-account", "tier-1", "tier-2", 0.06),
    ("how-to", "tier-1", "tier-2", 0.04),
)


# Seconds to the first-response goals of the shipped SLA policies (frontline/sla/defaults.py),
# by priority: premium and enterprise organisations, everyone else.
_FIRST_RESPONSE_GOALS = {
    Priority.URGENT: (1800, 3600),
    Priority.HIGH: (7200, 14400),
    Priority.NORMAL: (14400, 28800),
    Priority.LOW: (28800, 57600),
}
_PREMIUM_TIERS = frozenset({Tier.PREMIUM, Tier.ENTERPRISE})


def first_touch_median(plan: Plan) -> float:
    """A team that works its queue by due time takes a ticket in about a fifth of its
    first-response goal (the reply follows within minutes); VIPs count as high priority."""
    priority = Priority(plan.priority)
    if plan.customer.is_vip and priority in (Priority.LOW, Priority.NORMAL):
        priority = Priority.HIGH
    premium, standard = _FIRST_RESPONSE_GOALS[priority]
    return (premium if plan.customer.tier in _PREMIUM_TIERS else standard) / 5


def plan_turns(
    rng: random.Random, outcome: Status, remaining: int, note_chance: float
) -> list[Turn]:
    """What is said after the opening message: ``("C", kind, None)`` from the customer,
    ``("A", kind, status)`` from the agent, ``("N", "note", None)`` an internal note and
    ``("X", "customer"|"agent", SOLVED)`` a status change without a message. The last
    turns decide the outcome; ``remaining`` messages in all."""
    notes = int(remaining >= 3 and rng.random() < note_chance)
    notes += int(remaining >= 7 and rng.random() < note_chance)
    public = remaining - notes
    thanks = outcome == Status.SOLVED and public >= 2 and rng.random() < 0.3
    if outcome == Status.OPEN and public == 1:
        return [("A", "update", None)]
    ends_with_agent = outcome != Status.OPEN and not thanks
    turns: list[Turn] = []
    if (public % 2 == 0) == ends_with_agent:
        turns.append(("C", "chase", None))
    for index in range(public - len(turns)):
        turns.append(("A", "answer", Status.PENDING) if index % 2 == 0 else ("C", "still", None))
    _label_agent_turns(rng, turns, outcome, thanks)
    if outcome == Status.SOLVED and public >= 5 and not thanks and rng.random() < 0.1:
        _reopen(turns)
    if thanks:
        turns[-1] = ("C", "thanks", None)
        turns.append(("X", "customer" if rng.random() < 0.4 else "agent", Status.SOLVED))
    for _ in range(notes):
        agent_turns = [i for i, t in enumerate(turns) if t[0] == "A"]
        turns.insert(rng.choice(agent_turns), ("N", "note", None))
    return turns


def _label_agent_turns(
    rng: random.Random, turns: list[Turn], outcome: Status, thanks: bool
) -> None:
    agent_turns = [i for i, t in enumerate(turns) if t[0] == "A"]
    for k, index in enumerate(agent_turns):
        if k == 0 and rng.random() < 0.6:
            turns[index] = ("A", "ask", Status.PENDING)
        elif rng.random() < 0.2:
            turns[index] = ("A", "update", None)
        if index + 1 < len(turns) and turns[index + 1][0] == "C":
            turns[index + 1] = ("C", "info" if turns[index][1] == "ask" else "still", None)
    last = agent_turns[-1]
    if turns[-1][0] == "A" and not thanks:
        final = {
            Status.SOLVED: ("A", "answer", Status.SOLVED),
            Status.PENDING: (turns[last][0], turns[last][1], Status.PENDING),
            Status.ON_HOLD: ("A", "hold", Status.ON_HOLD),
        }
        turns[last] = final.get(outcome, turns[last])
        if turns[last][1] == "update" and outcome == Status.PENDING:
            turns[last] = ("A", "answer", Status.PENDING)


def _reopen(turns: list[Turn]) -> None:
    """Solve it once, hear it is back, solve it again."""
    agent_turns = [i for i, t in enumerate(turns) if t[0] == "A"]
    index = agent_turns[-2]
    turns[index] = ("A", "answer", Status.SOLVED)
    turns[index + 1] = ("C", "reopen", None)


class Talk:
    """The conversation of one regular ticket, as timed steps."""

    def __init__(self, lifecycle: "Lifecycle", plan: Plan) -> None:
        self.life = lifecycle
        self.plan = plan
        self.ticket = plan.row
        self.rng = plan.rng
        self.history = lifecycle.history
        self.chat = plan.channel == Channel.CHAT
        self.agent: Agent | None = plan.opener
        self._relative: list[tuple[float, Callable[[datetime], None]]] = []
        self._said: set[str] = set()
        self._just_touched = False

    def script(self) -> list[Step]:
        profile, plan = self.life.profile, self.plan
        age = (self.life.world.end - self.ticket.created_at).total_seconds()
        paces = dict(profile.priority_pace)
        pace = profile.chat_speedup if self.chat else paces.get(plan.priority, 1.0)
        outcome = plan.outcome or profile.outcome(self.rng, age / 3600 * pace)
        if outcome == Status.NEW:
            if self.rng.random() < 0.25:
                self._later(
                    age * self.rng.uniform(0.3, 0.9), lambda at: self._customer("chase", at)
                )
            return self._timed(age)
        remaining = (plan.budget or profile.budget(self.rng)) - 1
        if plan.duplicate is not None:
            remaining = min(remaining, 9)  # with an escalation note and the merged message: 12
        turns = plan_turns(self.rng, outcome, remaining, profile.note_chance)
        touched = False
        for who, kind, status in turns:
            if who != "C" and not touched:
                self._first_touch(escalate=remaining < 11)
                touched = True
            self._turn(who, kind, status, answered=touched)
        steps = self._timed(age)
        if outcome == Status.OPEN and steps and profile.open_within_hours:
            # Open means the customer wrote last and an answer is due: they wrote lately.
            within = self.rng.uniform(600, profile.open_within_hours * 3600)
            at, action = steps[-1]
            steps[-1] = (max(at, self.life.world.end - timedelta(seconds=within)), action)
        return steps

    def _turn(self, who: str, kind: str, status: Status | None, *, answered: bool) -> None:
        rng, chat = self.rng, self.chat
        if who == "C":
            # Before any answer a second message adds a detail soon after the first; later
            # ones wait on the customer's day.
            median = 70 if chat else (6 * 3600 if answered else 900)
            delay = lognormal(rng, median, 0.6 if chat else 1.0)
            self._later(delay, lambda at: self._customer(kind, at))
        elif who == "N":
            self._later(lognormal(rng, 40 if chat else 1200, 0.7), self._note)
        elif who == "X":
            delay = lognormal(rng, 60 if chat else 2400, 0.8)
            self._later(delay, lambda at: self._status_change(kind, at))
        else:
            delay = lognormal(rng, 45 if chat else 5400, 0.6 if chat else 1.0)
            if self._just_touched:
                delay = rng.uniform(20, 120) if chat else rng.uniform(60, 1200)
            self._later(delay, lambda at: self._reply(kind, status, at))
        self._just_touched = False

    def _first_touch(self, *, escalate: bool) -> None:
        plan, rng = self.plan, self.rng
        if plan.opener is not None:
            delay = rng.uniform(20, 300)
        elif self.chat:
            delay = lognormal(rng, 60, 0.7)
        else:
            delay = lognormal(rng, first_touch_median(plan), 0.9)
        self._later(delay, self._take)
        self._later(rng.uniform(5, 60), self._triage)
        self._just_touched = True
        move = self._escalation() if escalate else None
        if move is not None:
            self._later(rng.uniform(120, 1500), lambda at: self._escalate(move, at))
            self._later(lognormal(rng, 3000, 0.8), self._take)
        self._just_touched = True

    def _escalation(self) -> TeamInfo | None:
        slug = self.plan.category.texts.slug
        team = self.life.team_of(self.ticket)
        for category, source, target, chance in _ESCALATIONS:
            scaled = chance * self.life.profile.escalation_scale
            if category == slug and team.slug == source and self.rng.random() < scaled:
                return self.life.world.teams[target]
        return None

    # -- actions, run in time order --------------------------------------------------------

    def _take(self, at: datetime) -> None:
        if self.agent is None or self.ticket.assignee_id is None:
            if self.agent is None or self.ticket.team_id not in self.agent.teams:
                self.agent = self.life.pick_agent(self.plan, at)
            who = Who.agent(self.agent.id)
            self.history.assign(self.ticket, assignee=self.agent.id, actor=who, at=at)

    def _triage(self, at: datetime) -> None:
        plan, ticket, history = self.plan, self.ticket, self.history
        who = self._who()
        history.change_priority(ticket, priority=plan.priority, actor=who, at=at)
        if ticket.category_id is None:
            history.set_category(
                ticket, category=plan.category.id, slug=plan.category.texts.slug, actor=who, at=at
            )
        if plan.tags:
            history.set_tags(ticket, tags=[*ticket.tags, *plan.tags], actor=who, at=at)
        if plan.custom_fields:
            history.set_custom_fields(ticket, values=plan.custom_fields, actor=who, at=at)

    def _escalate(self, team: TeamInfo, at: datetime) -> None:
        who = self._who()
        values = {**self.plan.values, "team": team.name}
        body = self.life.prose.note(self.rng, "escalate", self.plan.category.texts, values)
        self.history.note(self.ticket, body=body, actor=who, at=at)
        self.history.change_team(self.ticket, team=team.id, actor=who, at=at)
        if self.ticket.assignee_id is None:
            self.agent = None

    def _reply(self, kind: str, status: Status | None, at: datetime) -> None:
        agent = self._agent()
        if kind == "answer" and status == Status.SOLVED and "reopen" in self._said:
            self.history.set_tags(
                self.ticket, tags=[*self.ticket.tags, "reopened"], actor=self._who(), at=at
            )
        body = self.life.prose.agent(
            self.rng, kind, self.plan.category.texts, self.plan.values, agent.name
        )
        self.history.reply(self.ticket, body=body, actor=self._who(), at=at, status=status)

    def _customer(self, kind: str, at: datetime) -> None:
        self._said.add(kind)
        self.life._customer_reply(self.plan, kind, at)

    def _note(self, at: datetime) -> None:
        body = self.life.prose.note(self.rng, "note", self.plan.category.texts, self.plan.values)
        self.history.note(self.ticket, body=body, actor=self._who(), at=at)

    def _status_change(self, kind: str, at: datetime) -> None:
        who = Who.customer(self.plan.customer.id) if kind == "customer" else self._who()
        self.history.change_status(self.ticket, status=Status.SOLVED, actor=who, at=at)

    def _agent(self) -> Agent:
        if self.agent is None:
            raise AssertionError("An agent acts before anyone took the ticket.")
        return self.agent

    def _who(self) -> Who:
        return Who.agent(self._agent().id)

    # -- timing ------------------------------------------------------------------------------

    def _later(self, delay: float, action: Callable[[datetime], None]) -> None:
        self._relative.append((delay, action))

    def _timed(self, age: float) -> list[Step]:
        """Absolute times for the steps, squeezed in proportion when the ticket is younger
        than its conversation would take."""
        total = sum(delay for delay, _ in self._relative)
        factor = 1.0
        if total > age * 0.97:
            factor = age * self.rng.uniform(0.5, 0.97) / total
        at, steps = self.ticket.created_at, []
        for delay, action in self._relative:
            at += timedelta(seconds=delay * factor)
            steps.append((at, action))
        return steps
