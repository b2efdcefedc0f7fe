"""Reads of workflows and runs, scoped to who asks, and the drop-off report."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from frontline.accounts.permissions import is_staff_member
from frontline.core.actors import Actor
from frontline.core.errors import NotFound, PermissionDenied
from frontline.tickets.models import Ticket
from frontline.workflows import definition as spec
from frontline.workflows.engine import ABANDON_AFTER, ensure_may_walk
from frontline.workflows.models import RunStatus, Workflow, WorkflowRun


def ensure_staff(actor: Actor) -> None:
    if not actor.is_agent or actor.user is None or not is_staff_member(actor.user):
        raise PermissionDenied("Workflows are configured by staff.")


def get_workflow_for(actor: Actor, workflow_id: int) -> Workflow:
    """Staff read any workflow; customers only active self-service ones."""
    found = Workflow.objects.filter(pk=workflow_id).first()
    if found is not None and (actor.is_agent or (found.self_service and found.is_active)):
        return found
    raise NotFound(f"Workflow {workflow_id} does not exist.")


def workflows_for_agents() -> QuerySet[Workflow]:
    return Workflow.objects.filter(is_active=True, for_agents=True).order_by("name", "id")


def self_service_workflows() -> QuerySet[Workflow]:
    return Workflow.objects.filter(is_active=True, self_service=True).order_by("name", "id")


def get_run_for(actor: Actor, run_id: int) -> WorkflowRun:
    """A run its customer, or an agent who may work its ticket, may walk; else 404/403."""
    run = (
        WorkflowRun.objects.select_related("workflow", "ticket", "customer", "opened_ticket")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        raise NotFound("This workflow run does not exist or is not yours.")
    ensure_may_walk(run, actor)
    return run


def ticket_runs(ticket: Ticket) -> tuple[WorkflowRun | None, WorkflowRun | None]:
    """The run in progress on the ticket, and the latest finished one (one query)."""
    rows = list(
        WorkflowRun.objects.filter(ticket=ticket)
        .select_related("workflow")
        .order_by("-started_at", "-id")[:5]
    )
    active = next((r for r in rows if r.status == RunStatus.ACTIVE), None)
    finished = next((r for r in rows if r.status != RunStatus.ACTIVE), None)
    return active, finished


def workflow_rows() -> QuerySet[Workflow]:
    """Every workflow with its run counts (the editor's list)."""
    return Workflow.objects.annotate(
        started=Count("runs"),
        completed=Count("runs", filter=Q(runs__status=RunStatus.COMPLETED)),
    ).order_by("name", "id")


@dataclass(frozen=True)
class StepCount:
    step_id: str
    title: str
    kind: str
    left_here: int


@dataclass(frozen=True)
class Report:
    started: int
    completed: int
    abandoned: int
    active: int
    outcomes: dict[str, int]
    steps: list[StepCount]


def report(workflow: Workflow, *, now: datetime) -> Report:
    """Runs started, completed and abandoned, and at which step abandoned runs stopped. A
    run with no step for ``ABANDON_AFTER`` counts as abandoned where it stands."""
    stale = Q(status=RunStatus.ACTIVE, last_step_at__lt=now - ABANDON_AFTER)
    left = Q(status=RunStatus.ABANDONED) | stale
    runs = WorkflowRun.objects.filter(workflow=workflow)
    totals = runs.aggregate(
        started=Count("id"),
        completed=Count("id", filter=Q(status=RunStatus.COMPLETED)),
        abandoned=Count("id", filter=left),
    )
    outcomes = dict(
        runs.filter(status=RunStatus.COMPLETED)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .values_list("outcome", "n")
    )
    per_step = dict(
        runs.filter(left)
        .values_list("current_step")
        .annotate(n=Count("id"))
        .values_list("current_step", "n")
    )
    return Report(
        started=totals["started"],
        completed=totals["completed"],
        abandoned=totals["abandoned"],
        active=totals["started"] - totals["completed"] - totals["abandoned"],
        outcomes=outcomes,
        steps=_step_counts(workflow, per_step),
    )


def _step_counts(workflow: Workflow, per_step: dict[str, int]) -> list[StepCount]:
    steps: dict[str, Any] = {}
    order: list[str] = []
    try:
        parsed = spec.Definition.model_validate(workflow.definition)
        steps, order = dict(parsed.steps), spec.order(parsed)
    except ValueError:
        pass
    # Steps of older versions that runs stopped at are listed after today's.
    order += [s for s in per_step if s not in order]
    return [
        StepCount(
            step_id=s,
            title=step_title(steps[s]) if s in steps else "(no longer in the workflow)",
            kind=steps[s].kind if s in steps else "",
            left_here=per_step.get(s, 0),
        )
        for s in order
    ]


def step_title(step: Any) -> str:
    title = getattr(step, "title", "") or getattr(step, "text", "") or getattr(step, "subject", "")
    text = str(title).strip()
    return (text.splitlines()[0] if text else step.kind)[:80]
