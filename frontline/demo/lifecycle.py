"""How a ticket lives: who opens it, who takes it, what is said and how it ends.

A ``Plan`` says who writes about what and when; ``Lifecycle`` turns it into a ticket and
plays its life through ``History`` in time order, so every row is one the services would
have written. The end state depends on the ticket's age: old tickets are mostly solved and
closed, recent ones new, open, pending or on hold.
"""

import random
from datetime import datetime, timedelta
from typing import Any

from frontline.customers.models import Tier
from frontline.demo import texts
from frontline.demo.conversation import Talk
from frontline.demo.plans import Plan, Profile, Step, lognormal
from frontline.demo.prose import fill
from frontline.demo.rows import History, TicketRow, Who
from frontline.demo.world import Agent, TeamInfo, World
from frontline.tickets.models import Channel, Priority, Status

AUTO_CLOSE_AFTER = timedelta(days=4)
PRIORITIES = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)
AGENT_CHANNELS = frozenset({Channel.PHONE, Channel.API})
FORM_CHANNELS = frozenset({Channel.PORTAL, Channel.PHONE, Channel.API})
_PRIORITY_WEIGHTS = {
    "outage": (0, 15, 50, 35),
    "bug": (8, 60, 28, 4),
    "integrations": (8, 60, 28, 4),
    "feature-request": (60, 38, 2, 0),
}
_DEFAULT_PRIORITY_WEIGHTS = (18, 64, 16, 2)


class Lifecycle:
    def __init__(self, world: World, history: History, profile: Profile) -> None:
        self.world = world
        self.history = history
        self.profile = profile
        self.prose = profile.prose
        self.teams_by_id = {t.id: t for t in world.teams.values()}

    # -- making the ticket -----------------------------------------------------------------

    def create(self, plan: Plan, *, pk: int, number: int) -> TicketRow:
        rng, person, category = plan.rng, plan.customer, plan.category
        plan.values = self.prose.values(
            rng,
            first_name=person.first_name,
            company=person.company,
            currency=person.region.currency,
        )
        team = self._route(plan)
        subject, plan.body = self._opening(plan)
        plan.priority = self._priority(rng, plan)
        plan.tags = self._tags(rng, plan)
        plan.custom_fields = self._custom_fields(rng, plan)
        if plan.channel in AGENT_CHANNELS:
            plan.opener = self.world.pick_agent(rng, team, self._shift(plan.created_at))
        by_form = plan.channel in FORM_CHANNELS
        plan.ticket = TicketRow(
            id=pk,
            number=number,
            subject=" ".join(subject.split())[:250],
            customer_id=person.id,
            organisation_id=person.organisation_id,
            channel=plan.channel.value,
            created_at=plan.created_at,
            priority=plan.priority if plan.opener else Priority.NORMAL.value,
            category_id=category.id if by_form else None,
            custom_fields=plan.custom_fields if by_form else {},
            team_id=team.id,
        )
        return plan.ticket

    def _route(self, plan: Plan) -> TeamInfo:
        teams, category = self.world.teams, plan.category
        if plan.kind in ("incident", "child"):
            return teams["tier-2"]
        if plan.original is not None and plan.original.ticket is not None:
            return self.teams_by_id[plan.original.ticket.team_id or 0]
        first_line = category.texts.team in ("tier-1", "billing")
        if plan.channel == Channel.CHAT and first_line:
            return teams["chat"]
        enterprise = plan.customer.tier == Tier.ENTERPRISE and plan.rng.random() < 0.4
        if first_line and (plan.customer.is_vip or enterprise):
            return teams["vip"]
        return category.team

    def _opening(self, plan: Plan) -> tuple[str, str]:
        rng, values, category = plan.rng, plan.values, plan.category.texts
        if plan.original is not None and plan.original.ticket is not None:
            return plan.original.ticket.subject, self.prose.customer(rng, "duplicate", values)
        subject, body = self.prose.opening(rng, category, values)
        if plan.kind == "incident" and plan.incident is not None:
            subject = plan.incident.title
        elif plan.kind == "child":
            subject = fill(rng.choice(texts.INCIDENT_REPORTS), values)
        return subject, body

    def _priority(self, rng: random.Random, plan: Plan) -> str:
        weights = _PRIORITY_WEIGHTS.get(plan.category.texts.slug, _DEFAULT_PRIORITY_WEIGHTS)
        priority = rng.choices(PRIORITIES, weights)[0]
        important = plan.customer.is_vip or plan.customer.tier == Tier.ENTERPRISE
        if important and priority in (Priority.LOW, Priority.NORMAL) and rng.random() < 0.3:
            priority = PRIORITIES[PRIORITIES.index(priority) + 1]
        return priority.value

    def _tags(self, rng: random.Random, plan: Plan) -> list[str]:
        tags: list[str] = []
        if rng.random() < self.profile.tag_chance:
            options = plan.category.texts.tags
            tags = rng.sample(options, k=min(len(options), rng.choice((1, 1, 2))))
        if plan.customer.is_vip:
            tags.append("vip")
        return tags

    def _custom_fields(self, rng: random.Random, plan: Plan) -> dict[str, Any]:
        category, values = plan.category.texts, plan.values
        fields: dict[str, Any] = {}
        if category.slug == "shipping-order" or (category.slug == "billing" and rng.random() < 0.3):
            fields["order_number"] = values["order"]
        if category.product_areas and rng.random() < 0.8:
            fields["product_area"] = rng.choice(category.product_areas)
        if category.slug == "billing" and rng.random() < 0.25:
            fields["refund_amount"] = float(rng.randint(5, 400))
        return fields

    def _shift(self, at: datetime) -> datetime | None:
        return at if self.profile.shift_aware else None

    # -- living it -------------------------------------------------------------------------

    def play(self, plan: Plan) -> None:
        """Open the ticket and play its life up to the world's end."""
        if plan.played:
            return
        plan.played = True
        self._open(plan)
        steps: list[Step]
        if plan.kind == "incident":
            steps = self._incident_parent(plan)
        elif plan.kind == "child":
            steps = self._incident_child(plan)
        else:
            steps = Talk(self, plan).script()
        if plan.duplicate is not None:
            steps += self._duplicate(plan, plan.duplicate)
        steps.sort(key=lambda step: step[0])
        for at, action in steps:
            if at > self.world.end:
                break
            action(at)
        self._close_when_quiet(plan)

    def _open(self, plan: Plan) -> None:
        ticket = plan.row
        actor = Who.agent(plan.opener.id) if plan.opener else Who.customer(plan.customer.id)
        tags = plan.tags if plan.opener else ()
        external_id = self._message_id(plan)
        self.history.open(ticket, body=plan.body, actor=actor, tags=tags, external_id=external_id)

    def _message_id(self, plan: Plan) -> str:
        if plan.channel != Channel.EMAIL:
            return ""
        domain = plan.customer.email.rpartition("@")[2]
        return f"<{plan.rng.getrandbits(64):016x}@{domain}>"

    def _close_when_quiet(self, plan: Plan) -> None:
        ticket = plan.ticket
        if ticket is None or ticket.status != Status.SOLVED or ticket.solved_at is None:
            return
        # The automation runs hourly: closes land some minutes after the quiet period.
        at = ticket.solved_at + AUTO_CLOSE_AFTER + timedelta(minutes=plan.rng.uniform(1, 60))
        if at <= self.world.end:
            self.history.close_solved(ticket, at=at)

    def team_of(self, ticket: TicketRow) -> TeamInfo:
        return self.teams_by_id[ticket.team_id or 0]

    def pick_agent(self, plan: Plan, at: datetime) -> Agent:
        return self.world.pick_agent(plan.rng, self.team_of(plan.row), self._shift(at))

    # -- incidents and duplicates ----------------------------------------------------------

    def _incident_parent(self, plan: Plan) -> list[Step]:
        incident, ticket, rng = plan.outage, plan.row, plan.rng
        acked = ticket.created_at + timedelta(seconds=rng.uniform(180, 900))

        def declare(at: datetime) -> None:
            engineer = incident.engineer = self.pick_agent(plan, at)
            who = Who.agent(engineer.id)
            self.history.assign(ticket, assignee=engineer.id, actor=who, at=at)
            self.history.change_priority(ticket, priority=Priority.URGENT, actor=who, at=at)
            self.history.set_tags(ticket, tags=["incident", "outage"], actor=who, at=at)
            note = self.prose.note(rng, "incident-note", plan.category.texts, plan.values)
            self.history.note(ticket, body=note, actor=who, at=at)
            self._incident_reply(plan, "incident", Status.ON_HOLD, at)

        return [(acked, declare), *self._incident_resolution(plan, incident.resolved_at)]

    def _incident_child(self, plan: Plan) -> list[Step]:
        incident, ticket, rng = plan.outage, plan.row, plan.rng
        parent = incident.parent.ticket if incident.parent else None
        linked = ticket.created_at + timedelta(seconds=rng.uniform(120, 1800))

        def link(at: datetime) -> None:
            engineer = incident.engineer or self.pick_agent(plan, at)
            who = Who.agent(engineer.id)
            self.history.assign(ticket, assignee=engineer.id, actor=who, at=at)
            if parent is not None:
                self.history.link_to_parent(ticket, parent=parent, actor=who, at=at)
            self.history.set_tags(ticket, tags=["incident"], actor=who, at=at)
            self._incident_reply(plan, "incident", Status.ON_HOLD, at)

        steps: list[Step] = [(linked, link)]
        chased = linked + timedelta(seconds=lognormal(rng, 2400, 0.5))
        if rng.random() < 0.3 and chased < incident.resolved_at:
            steps.append((chased, lambda at: self._customer_reply(plan, "incident", at)))
        resolved = incident.resolved_at + timedelta(seconds=rng.uniform(60, 1800))
        return steps + self._incident_resolution(plan, resolved)

    def _incident_resolution(self, plan: Plan, at: datetime) -> list[Step]:
        return [(at, lambda when: self._incident_reply(plan, "resolution", Status.SOLVED, when))]

    def _incident_reply(self, plan: Plan, kind: str, status: Status, at: datetime) -> None:
        incident, ticket = plan.outage, plan.row
        engineer_id = ticket.assignee_id or 0
        engineer = next(a for a in self.world.agents if a.id == engineer_id)
        if kind == "resolution":
            body = self._signed(plan, fill(incident.resolution, plan.values), engineer)
        else:
            body = self.prose.agent(plan.rng, kind, plan.category.texts, plan.values, engineer.name)
        self.history.reply(ticket, body=body, actor=Who.agent(engineer.id), at=at, status=status)

    def _signed(self, plan: Plan, core: str, agent: Agent) -> str:
        return f"Hi {plan.customer.first_name},\n\n{core}\n\nBest regards,\n{agent.first_name}"

    def _customer_reply(self, plan: Plan, kind: str, at: datetime) -> None:
        body = self.prose.customer(plan.rng, kind, plan.values)
        actor = Who.customer(plan.customer.id)
        self.history.reply(
            plan.row, body=body, actor=actor, at=at, external_id=self._message_id(plan)
        )

    def _duplicate(self, original: Plan, duplicate: Plan) -> list[Step]:
        """The customer writes again before anyone answered; the second ticket is merged
        into the first by whoever holds it (or the team lead)."""
        source, into = duplicate.row, original.row
        latest = self.world.end - timedelta(minutes=1)
        merged = min(
            latest, source.created_at + timedelta(seconds=duplicate.rng.uniform(600, 5400))
        )

        def merge(at: datetime) -> None:
            holder = into.assignee_id
            if holder is None or not (self.history.can_work(Who.agent(holder), source)):
                holder = self.world.lead_of(self.team_of(into)).id
            self.history.merge(source, into=into, actor=Who.agent(holder), at=at)

        duplicate.played = True
        return [(source.created_at, lambda at: self._open(duplicate)), (merged, merge)]
