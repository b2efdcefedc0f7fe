"""Running workflows: the only writer of ``WorkflowRun``.

An agent's run belongs to a ticket and each step is recorded on it (``WORKFLOW_STEP``,
whose ``summary`` the timeline shows), so supervisors see where agents leave. A customer's
run (self-service) has no ticket until it opens one with the answers collected.

Lookups call their integration over HTTP outside any transaction (a portal request waits
for them, with the integration's short timeout); a failure takes the lookup's
``on_not_found`` branch with the reason, never an error page.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from frontline.core.actors import Actor
from frontline.core.errors import (
    Conflict,
    FrontlineError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from frontline.integrations import http
from frontline.tickets import events
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Channel, EventType, Priority, Status, Ticket
from frontline.tickets.queries import ensure_can_work, get_ticket_for, tags_and_collaborators
from frontline.workflows import definition as spec
from frontline.workflows.models import Outcome, RunStatus, Workflow, WorkflowRun
from frontline.workflows.services import find_category, find_integration, find_macro, find_team

# A run with no step for this long counts as abandoned at its last step (reports).
ABANDON_AFTER = timedelta(hours=24)
_ORDER_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")


@dataclass(frozen=True)
class Reply:
    """What the person answered on the current step: an option's index, a typed value,
    whether an answer helped, or (``confirm``) go ahead with an end step."""

    choice: int | None = None
    value: str | None = None
    helped: bool | None = None
    confirm: bool = False


def step_of(run: WorkflowRun, step_id: str | None = None) -> Any:
    parsed = spec.Definition.model_validate(run.definition)
    return parsed.steps[step_id or run.current_step]


def context(run: WorkflowRun) -> dict[str, Any]:
    """What ``{{ … }}`` placeholders read: ``answers``, each lookup by its ``save_as``, and
    ``lookup``, the latest one."""
    steps = run.definition.get("steps", {})
    saved = [
        steps.get(s, {}).get("save_as")
        for s in run.path
        if steps.get(s, {}).get("kind") == "lookup"
    ]
    latest: dict[str, Any] = next(
        (run.lookups[name] for name in reversed(saved) if name in run.lookups), {}
    )
    flat = {name: _flat(found) for name, found in run.lookups.items()}
    return {**flat, "answers": run.answers, "lookup": _flat(latest)}


def _flat(found: dict[str, Any]) -> dict[str, Any]:
    data = found.get("data")
    return {
        **(data if isinstance(data, dict) else {}),
        **{k: found.get(k) for k in ("found", "error")},
    }


@transaction.atomic
def start_run(workflow: Workflow, *, actor: Actor, ticket: Ticket | None = None) -> WorkflowRun:
    """Start ``workflow``: on ``ticket`` by an agent who may work it, or self-service by a
    customer. Lookups at the start run at once."""
    _ensure_may_start(workflow, actor=actor, ticket=ticket)
    if ticket is not None:
        busy = WorkflowRun.objects.filter(ticket=ticket, status=RunStatus.ACTIVE).first()
        if busy is not None:
            raise Conflict(
                f"Workflow '{busy.workflow.name}' is in progress on this ticket: finish or "
                "abandon it first.",
                field="workflow",
            )
    parsed = spec.parse(workflow.definition)
    now = timezone.now()
    run = WorkflowRun.objects.create(
        workflow=workflow,
        version=workflow.version,
        definition=parsed.model_dump(mode="json", exclude_unset=True),
        ticket=ticket,
        agent=actor.user if actor.is_agent else None,
        customer=actor.customer if actor.is_customer else None,
        current_step=parsed.start,
        path=[parsed.start],
        started_at=now,
        last_step_at=now,
    )
    _record(run, actor, f"started workflow '{workflow.name}'", step_id=parsed.start)
    return run


def begin(workflow: Workflow, *, actor: Actor, ticket: Ticket | None = None) -> WorkflowRun:
    """``start_run``, then any lookups it starts with."""
    run = start_run(workflow, actor=actor, ticket=ticket)
    return _follow_lookups(run, actor=actor)


def _ensure_may_start(workflow: Workflow, *, actor: Actor, ticket: Ticket | None) -> None:
    if not workflow.is_active:
        raise NotFound(f"Workflow '{workflow.name}' is not active.")
    if actor.is_customer:
        if not workflow.self_service or actor.customer is None or ticket is not None:
            raise NotFound(f"There is no self-service workflow '{workflow.name}'.")
        return
    if ticket is None or not workflow.for_agents:
        raise PermissionDenied("Agents run workflows on a ticket, if made for agents.")
    ensure_can_work(actor, ticket)


def ensure_may_walk(run: WorkflowRun, actor: Actor) -> None:
    """Agents who may work the run's ticket, or the customer whose run it is."""
    if run.customer_id is not None:
        if not (actor.is_customer and actor.customer and actor.customer.pk == run.customer_id):
            raise NotFound("This workflow run does not exist or is not yours.")
        return
    if run.ticket_id is None or not actor.is_agent:
        raise NotFound("This workflow run does not exist or is not yours.")
    # Staff who may not see the ticket learn nothing of its runs (404); those who see it
    # but only read (analysts) are refused (403).
    ensure_can_work(actor, get_ticket_for(actor, run.ticket_id))


def answer(run: WorkflowRun, *, step_id: str, reply: Reply, actor: Actor) -> WorkflowRun:
    """Answer the current step (``step_id`` must still be it: a second click is a 409),
    move on, and follow the lookups that come next."""
    run = _answer(run, step_id=step_id, reply=reply, actor=actor)
    return _follow_lookups(run, actor=actor)


@transaction.atomic
def _answer(run: WorkflowRun, *, step_id: str, reply: Reply, actor: Actor) -> WorkflowRun:
    run = _locked_active(run, actor)
    if run.current_step != step_id:
        raise Conflict("That step was answered already; here is where the workflow is now.")
    step = step_of(run)
    if isinstance(step, spec.InstructionStep):
        _move(run, step.next, actor, f"followed “{_title(step)}”")
    elif isinstance(step, spec.QuestionStep):
        shown, target = _question(step, reply)
        run.answers[_key(step_id, step)] = shown
        _move(run, target, actor, f"answered “{step.text[:120]}” — {shown[:120]}")
    elif isinstance(step, spec.LookupStep):
        raise Conflict("A lookup step runs by itself.")
    else:
        _finish(run, step, reply, actor)
    return run


def _question(step: spec.QuestionStep, reply: Reply) -> tuple[str, str]:
    if step.options is not None:
        if reply.choice is None or not 0 <= reply.choice < len(step.options):
            raise ValidationFailed("Choose one of the answers.", field="choice")
        option = step.options[reply.choice]
        return option.label, option.next
    return _typed(step.input or "text", reply.value), step.next or ""


def _typed(kind: str, value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed("Type an answer.", field="value")
    if len(text) > 1000:
        raise ValidationFailed("An answer has at most 1000 characters.", field="value")
    if kind == "number":
        try:
            float(text.replace(",", "."))
        except ValueError:
            raise ValidationFailed("Type a number, e.g. 42.", field="value") from None
    elif kind == "email":
        try:
            validate_email(text)
        except DjangoValidationError:
            raise ValidationFailed(
                "Type an email address, e.g. you@example.com.", field="value"
            ) from None
    elif kind == "order_number" and not _ORDER_NUMBER.match(text):
        raise ValidationFailed(
            "An order number is letters, digits and dashes, e.g. 1001.", field="value"
        )
    return text


def _key(step_id: str, step: spec.QuestionStep) -> str:
    return step.save_as or step_id


def _title(step: Any) -> str:
    title = getattr(step, "title", "") or getattr(step, "text", "") or step.kind
    first = str(title).strip().splitlines()[0] if str(title).strip() else step.kind
    return first[:80]


def _move(run: WorkflowRun, target: str, actor: Actor, summary: str) -> None:
    left = run.current_step
    run.current_step = target
    run.path = [*run.path, target]
    run.last_step_at = timezone.now()
    run.save(update_fields=["current_step", "path", "answers", "lookups", "last_step_at"])
    _record(run, actor, f"workflow '{run.workflow.name}': {summary}", step_id=left)


def _follow_lookups(run: WorkflowRun, *, actor: Actor) -> WorkflowRun:
    """Run lookup steps until a step that needs a person (definitions have no loops)."""
    while run.status == RunStatus.ACTIVE and step_of(run).kind == "lookup":
        step = step_of(run)
        found = lookup(step, context(run))
        run = _store_lookup(run, step, found, actor=actor)
    return run


def lookup(step: spec.LookupStep, values: dict[str, Any]) -> dict[str, Any]:
    """GET the integration's JSON at the step's path: ``{"found", "error", "data"}``."""
    integration = find_integration(step.integration)
    if integration is None:
        return {"found": False, "error": f"The integration '{step.integration}' is not set up."}
    base = integration.base_url
    if base.startswith("/"):
        base = settings.SITE_URL.rstrip("/") + base
    url = base.rstrip("/") + spec.fill(step.path, values, for_url=True)
    headers = {integration.auth_header: integration.secret} if integration.auth_header else {}
    result, body = http.get_json(url, headers=headers, timeout_s=integration.timeout_s)
    if result.ok and isinstance(body, dict):
        return {"found": True, "error": "", "data": body}
    if result.status_code == 404:
        return {"found": False, "error": "Nothing was found for that.", "status": 404}
    reason = result.error or "an answer that is not a JSON object"
    return {
        "found": False,
        "error": f"{integration.name} could not be reached ({reason}).",
        "status": result.status_code,
    }


@transaction.atomic
def _store_lookup(
    run: WorkflowRun, step: spec.LookupStep, found: dict[str, Any], *, actor: Actor
) -> WorkflowRun:
    run = (
        WorkflowRun.objects.select_for_update(of=("self",))
        .select_related("workflow", "ticket")
        .get(pk=run.pk)
    )
    lookups = {k: v for k, v in run.lookups.items() if k != step.save_as}
    run.lookups = {**lookups, step.save_as: found}
    target = step.on_found if found["found"] else step.on_not_found
    outcome = "found" if found["found"] else f"not found: {found['error']}"
    _move(run, target, actor, f"looked up {step.save_as} ({outcome})")
    return run


def _finish(run: WorkflowRun, step: Any, reply: Reply, actor: Actor) -> None:
    if run.ticket is None:
        _finish_self_service(run, step, reply, actor)
    elif isinstance(step, spec.ActionStep):
        run.results = [run_action(a, run=run, actor=actor) for a in step.actions]
        _end(run, Outcome.ACTIONS_RUN, actor, "; ".join(run.results) or "done")
    elif isinstance(step, spec.OpenTicketStep):
        ticket_services.add_note(run.ticket, body=qa_text(run), actor=actor)
        run.results = ["Added the answers as an internal note."]
        _end(run, Outcome.NOTE_ADDED, actor, "added the answers as a note")
    else:
        _end(run, Outcome.ANSWERED, actor, "answered")


def _finish_self_service(run: WorkflowRun, step: Any, reply: Reply, actor: Actor) -> None:
    if isinstance(step, spec.AnswerStep):
        if reply.helped is None:
            raise ValidationFailed("Say whether this answered your question.", field="helped")
        if reply.helped:
            _end(run, Outcome.RESOLVED, actor, "resolved by the answer")
            return
    elif not reply.confirm:
        raise ValidationFailed("Confirm to send your request to support.", field="confirm")
    subject = getattr(step, "subject", "") or run.workflow.name
    _open_ticket(run, spec.fill(subject, context(run)), actor=actor)


def _open_ticket(run: WorkflowRun, subject: str, *, actor: Actor) -> None:
    assert run.customer is not None  # noqa: S101 - self-service runs have their customer
    ticket = ticket_services.open_ticket(
        customer=run.customer, subject=subject, body=qa_text(run), actor=actor,
        channel=Channel.PORTAL,
    )  # fmt: skip
    run.opened_ticket = ticket
    summary = f"opened from self-service workflow '{run.workflow.name}' with its answers"
    events.record(ticket, EventType.WORKFLOW_STEP, actor=actor, data=_data(run, summary))
    run.results = [f"Opened ticket #{ticket.number}."]
    _end(run, Outcome.TICKET_OPENED, actor, f"opened ticket #{ticket.number}")


def _end(run: WorkflowRun, outcome: Outcome, actor: Actor, what: str) -> None:
    run.status, run.outcome = RunStatus.COMPLETED, outcome
    run.ended_at = run.last_step_at = timezone.now()
    run.save(
        update_fields=[
            "status", "outcome", "results", "opened_ticket", "ended_at", "last_step_at",
        ]
    )  # fmt: skip
    _record(run, actor, f"finished workflow '{run.workflow.name}': {what}")


@transaction.atomic
def go_back(run: WorkflowRun, *, actor: Actor) -> WorkflowRun:
    """Back to the previous step a person answered (lookups are run again going forward)."""
    run = _locked_active(run, actor)
    path = list(run.path)
    while len(path) > 1:
        path.pop()
        if step_of(run, path[-1]).kind != "lookup":
            break
    if len(path) == len(run.path) or step_of(run, path[-1]).kind == "lookup":
        raise Conflict("This is the first step: there is nothing to go back to.")
    run.path, run.current_step, run.last_step_at = path, path[-1], timezone.now()
    run.save(update_fields=["path", "current_step", "last_step_at"])
    summary = f"workflow '{run.workflow.name}': went back to “{_title(step_of(run))}”"
    _record(run, actor, summary)
    return run


@transaction.atomic
def abandon_run(run: WorkflowRun, *, actor: Actor) -> WorkflowRun:
    run = _locked_active(run, actor)
    run.status, run.ended_at = RunStatus.ABANDONED, timezone.now()
    run.save(update_fields=["status", "ended_at"])
    summary = f"left workflow '{run.workflow.name}' at “{_title(step_of(run))}”"
    _record(run, actor, summary)
    return run


def _locked_active(run: WorkflowRun, actor: Actor) -> WorkflowRun:
    locked = (
        WorkflowRun.objects.select_for_update(of=("self",))
        .select_related("workflow", "ticket", "customer")
        .get(pk=run.pk)
    )
    ensure_may_walk(locked, actor)
    if locked.status != RunStatus.ACTIVE:
        raise Conflict(f"This workflow run is {locked.get_status_display().lower()} already.")
    return locked


def _record(run: WorkflowRun, actor: Actor, summary: str, *, step_id: str | None = None) -> None:
    if run.ticket is None:
        return
    data = _data(run, summary) | {"step_id": step_id or run.current_step}
    events.record(run.ticket, EventType.WORKFLOW_STEP, actor=actor, data=data)


def _data(run: WorkflowRun, summary: str) -> dict[str, Any]:
    return {
        "summary": summary,
        "workflow_id": run.workflow_id,
        "run_id": run.pk,
        "step_id": run.current_step,
    }


def qa_text(run: WorkflowRun) -> str:
    """The answers collected, as Q/A lines, for a ticket's body or a note."""
    lines = [f"Answers collected by the guided workflow '{run.workflow.name}':", ""]
    for step_id in run.path:
        step = step_of(run, step_id)
        if isinstance(step, spec.QuestionStep) and _key(step_id, step) in run.answers:
            lines += [f"Q: {step.text}", f"A: {run.answers[_key(step_id, step)]}", ""]
        elif isinstance(step, spec.LookupStep) and step.save_as in run.lookups:
            found = run.lookups[step.save_as]
            lines += [f"Looked up {step.save_as}: {_lookup_line(found)}", ""]
    return "\n".join(lines).strip()


def _lookup_line(found: dict[str, Any]) -> str:
    if not found.get("found"):
        return f"not found ({found.get('error', '')})"
    data = found.get("data") or {}
    pairs = [f"{k}: {v}" for k, v in data.items() if not isinstance(v, dict | list)][:8]
    return "found — " + ", ".join(pairs)


def run_action(action: Any, *, run: WorkflowRun, actor: Actor) -> str:
    """Do one end action on the run's ticket; a refusal is reported, not raised, so the
    other actions still run."""
    try:
        with transaction.atomic():
            return _act(action, run=run, actor=actor)
    except FrontlineError as error:
        return f"Could not {action.type.replace('_', ' ')}: {error.message}"


def _act(action: Any, *, run: WorkflowRun, actor: Actor) -> str:
    from frontline.macros.services import apply_macro
    from frontline.routing.escalation import escalate

    assert run.ticket_id is not None  # noqa: S101 - agents' runs have their ticket
    ticket = Ticket.objects.select_related("customer").get(pk=run.ticket_id)
    if isinstance(action, spec.ApplyMacro):
        macro = find_macro(action.macro)
        if macro is None:
            return f"Skipped macro '{action.macro}': it no longer exists."
        apply_macro(ticket, macro, actor=actor)
        return f"Applied macro '{macro.name}'."
    if isinstance(action, spec.SetFields):
        return _set_fields(ticket, action, actor=actor)
    if isinstance(action, spec.Escalate):
        move = escalate(ticket, reason=action.reason, actor=actor)
        return f"Escalated to {move.ticket.team.name if move.ticket.team else 'the next tier'}."
    if isinstance(action, spec.OpenLinkedTicket):
        linked = ticket_services.open_ticket(
            customer=ticket.customer, subject=spec.fill(action.subject, context(run)),
            body=qa_text(run), actor=actor, channel=Channel(ticket.channel), follow_up_of=ticket,
        )  # fmt: skip
        return f"Opened linked ticket #{linked.number}."
    return "Requesting a concession is available once concessions exist."


def _set_fields(ticket: Ticket, action: spec.SetFields, *, actor: Actor) -> str:
    team = find_team(action.team) if action.team is not None else None
    category = find_category(action.category) if action.category is not None else None
    tags = None
    if action.tags:
        current, _ = tags_and_collaborators(ticket)
        tags = sorted({*current, *action.tags})
    changes = ticket_services.TicketChanges(
        status=Status(action.status) if action.status else None,
        priority=Priority(action.priority) if action.priority else None,
        team=team,
        category=category,
        tags=tags,
    )
    ticket_services.update_ticket(ticket, changes=changes, actor=actor)
    pairs = (
        ("status", action.status),
        ("priority", action.priority),
        ("team", team.name if team else None),
        ("category", category.name if category else None),
        ("tags +", ", ".join(action.tags or ()) or None),
    )
    said = [f"{name} {value}" for name, value in pairs if value]
    return "Set " + "; ".join(said) + "."
