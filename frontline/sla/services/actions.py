"""What an SLA warning or breach does: notify people, raise the priority, reassign to a team,
add a tag, post an internal note. Every change to the ticket goes through the tickets
services as the system actor, so it is audited like any other change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from frontline.accounts.models import Team
from frontline.core.actors import Actor
from frontline.core.errors import FrontlineError, ValidationFailed
from frontline.sla.models import ChangeKind, NotificationKind, SlaChange, TargetKind
from frontline.sla.services.clocks import refresh_once
from frontline.sla.services.notifications import notify, recipients
from frontline.tickets import services as ticket_services
from frontline.tickets.models import PRIORITY_RANK, Priority, Ticket

logger = logging.getLogger(__name__)

TAG_PATTERN = r"^[\w][\w\-:.]{0,63}$"


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NotifyAction(_Action):
    type: Literal["notify"]
    recipients: list[Literal["assignee", "team", "supervisor"]] = Field(min_length=1, max_length=3)


class RaisePriorityAction(_Action):
    type: Literal["raise_priority"]


class ReassignAction(_Action):
    type: Literal["reassign"]
    team_id: int = Field(ge=1, le=2**63 - 1)


class AddTagAction(_Action):
    type: Literal["add_tag"]
    tag: str = Field(pattern=TAG_PATTERN)


class InternalNoteAction(_Action):
    type: Literal["internal_note"]
    body: str = Field(
        min_length=1,
        max_length=5000,
        pattern=r"^[^\x00]*$",
        description="Placeholders: {ticket}, {target}, {due}, {explanation}.",
    )


Action = Annotated[
    NotifyAction | RaisePriorityAction | ReassignAction | AddTagAction | InternalNoteAction,
    Field(discriminator="type"),
]
_ACTIONS: TypeAdapter[list[Action]] = TypeAdapter(list[Action])


def clean_actions(value: Any, *, field: str) -> list[dict[str, Any]]:
    """Actions checked and stored as plain data; a team named must exist."""
    try:
        actions = _ACTIONS.validate_python(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in (field, *first["loc"]))
        raise ValidationFailed(f"{where}: {first['msg']}", field=where) from None
    for index, action in enumerate(actions):
        if (
            isinstance(action, ReassignAction)
            and not Team.objects.filter(pk=action.team_id).exists()
        ):
            raise ValidationFailed(
                f"There is no team {action.team_id}.", field=f"{field}.{index}.team_id"
            )
    return [action.model_dump() for action in actions]


@dataclass(frozen=True)
class Alert:
    """What fired: a warning at ``percent`` of a target's goal, or its breach."""

    target: str
    kind: NotificationKind
    percent: int
    due: str
    explanation: str

    @property
    def label(self) -> str:
        return TargetKind(self.target).label.lower()

    @property
    def headline(self) -> str:
        if self.kind == NotificationKind.BREACH:
            return f"SLA {self.label} breached (due {self.due})"
        return f"SLA {self.label} at {self.percent}% (due {self.due})"


def run_actions(ticket: Ticket, actions: Any, *, alert: Alert, now: datetime) -> list[SlaChange]:
    """Run each action in its own savepoint; one that fails is recorded and skipped.
    ``ticket`` comes with its assignee and team; returns the history rows to write."""
    try:
        specs = _ACTIONS.validate_python(actions)
    except ValidationError:
        logger.warning("sla.actions.invalid", extra={"ticket_id": ticket.pk})
        specs = []
    history: list[SlaChange] = []
    current = ticket
    with refresh_once(ticket):
        for spec in specs:
            try:
                with transaction.atomic():
                    outcome = _run(spec, current, alert=alert, now=now)
            except FrontlineError as exc:
                history.append(_change(ticket, alert, ChangeKind.ACTION_FAILED, exc, spec, now))
                logger.warning(
                    "sla.action.failed",
                    extra={"ticket_id": ticket.pk, "action": spec.type, "error": exc.message},
                )
                continue
            history.append(_change(ticket, alert, ChangeKind.ACTION, outcome, spec, now))
            if not isinstance(spec, NotifyAction):
                # The ticket changed through its services: later actions see it as it is.
                current = Ticket.objects.select_related("assignee", "team").get(pk=ticket.pk)
    return history


def _change(
    ticket: Ticket,
    alert: Alert,
    kind: ChangeKind,
    outcome: str | FrontlineError,
    spec: Action,
    now: datetime,
) -> SlaChange:
    message = outcome if isinstance(outcome, str) else f"{spec.type}: {outcome.message}"
    return SlaChange(
        ticket_id=ticket.pk,
        target=alert.target,
        kind=kind,
        message=message,
        at=now,
        data={"alert": alert.kind, "percent": alert.percent},
    )


def _run(spec: Action, ticket: Ticket, *, alert: Alert, now: datetime) -> str:
    system = Actor.system()
    if isinstance(spec, NotifyAction):
        people = recipients(ticket, spec.recipients)
        notify(
            people,
            ticket=ticket,
            target=alert.target,
            kind=alert.kind,
            percent=alert.percent,
            message=f"{alert.headline}: {alert.explanation}",
            now=now,
        )
        return f"notified {', '.join(u.name or u.email for u in people) or 'nobody'}"
    if isinstance(spec, RaisePriorityAction):
        return _raise_priority(ticket, system)
    if isinstance(spec, ReassignAction):
        team = Team.objects.filter(pk=spec.team_id).first()
        if team is None:
            raise ValidationFailed(f"There is no team {spec.team_id}.", field="team_id")
        ticket_services.change_team(ticket, team=team, actor=system)
        return f"reassigned to {team.name}"
    if isinstance(spec, AddTagAction):
        names = list(ticket.tags.values_list("name", flat=True))
        ticket_services.set_tags(ticket, tags=[*names, spec.tag], actor=system)
        return f"tagged {spec.tag}"
    body = (
        spec.body.replace("{ticket}", ticket.reference)
        .replace("{target}", alert.label)
        .replace("{due}", alert.due)
        .replace("{explanation}", alert.explanation)
    )
    ticket_services.add_note(ticket, body=body, actor=system)
    return "posted an internal note"


def _raise_priority(ticket: Ticket, actor: Actor) -> str:
    rank = PRIORITY_RANK[Priority(ticket.priority)]
    higher = [p for p, r in PRIORITY_RANK.items() if r == rank + 1]
    if not higher:
        return f"priority already {ticket.priority}"
    ticket_services.change_priority(ticket, priority=higher[0], actor=actor)
    return f"raised priority from {ticket.priority} to {higher[0].value}"
