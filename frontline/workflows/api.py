"""The workflows API: configuring workflows (staff read, admins and heads of support
change), their drop-off report (whoever sees all tickets), and driving a run step by step
(``POST /tickets/{id}/workflows/{workflow_id}/runs``, ``POST /workflow-runs/{id}/answer``)
for the bot and other clients. Paths are spelled out in full."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from frontline.accounts.api_auth import request_actor, staff_actor
from frontline.accounts.permissions import sees_all_tickets
from frontline.core.api_support import NON_BLANK, InputSchema, ObjectId, responses
from frontline.core.errors import PermissionDenied
from frontline.core.pagination import PageParams, paginate
from frontline.tickets.queries import get_ticket_for
from frontline.workflows import engine, services
from frontline.workflows.models import Workflow, WorkflowRun
from frontline.workflows.presenting import present
from frontline.workflows.queries import get_run_for, get_workflow_for, report

router = Router(tags=["workflows"])


class WorkflowIn(InputSchema):
    name: str = Field(min_length=1, max_length=120, pattern=NON_BLANK)
    description: str = Field(default="", max_length=2000)
    definition: dict[str, Any] = Field(
        description="Steps keyed by id and the start step; see docs/workflows.md."
    )
    is_active: bool = True
    for_agents: bool = True
    self_service: bool = False


class WorkflowUpdateIn(InputSchema):
    name: str | None = Field(default=None, min_length=1, max_length=120, pattern=NON_BLANK)
    description: str | None = Field(default=None, max_length=2000)
    definition: dict[str, Any] | None = None
    is_active: bool | None = None
    for_agents: bool | None = None
    self_service: bool | None = None


class WorkflowOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    definition: dict[str, Any]
    version: int
    is_active: bool
    for_agents: bool
    self_service: bool
    created_at: datetime
    updated_at: datetime


class WorkflowPageOut(Schema):
    items: list[WorkflowOut]
    next: str | None


class WorkflowStepCountOut(Schema):
    step_id: str
    title: str
    kind: str
    left_here: int


class WorkflowReportOut(Schema):
    started: int
    completed: int
    abandoned: int = Field(description="Left, or without a step for 24 hours.")
    active: int
    outcomes: dict[str, int]
    steps: list[WorkflowStepCountOut]


class WorkflowStepOut(Schema):
    id: str
    kind: str
    title: str
    html: str = Field(description="The step's text, placeholders filled in, as safe HTML.")
    options: list[str] = Field(description="For a question: its answers, chosen by index.")
    input: str = Field(description="For a question: text, number, email or order_number.")
    actions: list[str]


class WorkflowRunOut(Schema):
    id: int
    workflow_id: int
    version: int
    ticket_id: int | None
    status: str
    outcome: str
    step: WorkflowStepOut | None = Field(description="The current step, while in progress.")
    answers: dict[str, Any]
    path: list[str]
    results: list[str]
    opened_ticket_id: int | None
    started_at: datetime
    ended_at: datetime | None


class WorkflowAnswerIn(InputSchema):
    step: str = Field(min_length=1, max_length=60, description="The step being answered.")
    choice: int | None = Field(default=None, ge=0, le=100)
    value: str | None = Field(default=None, max_length=1000)
    helped: bool | None = None
    confirm: bool = False
    action: Literal["answer", "back", "abandon"] = "answer"


def _out(workflow: Workflow) -> WorkflowOut:
    return WorkflowOut(
        id=workflow.pk,
        name=workflow.name,
        slug=workflow.slug,
        description=workflow.description,
        definition=workflow.definition if isinstance(workflow.definition, dict) else {},
        version=workflow.version,
        is_active=workflow.is_active,
        for_agents=workflow.for_agents,
        self_service=workflow.self_service,
        created_at=workflow.created_at,
        updated_at=workflow.updated_at,
    )


def _run_out(run: WorkflowRun) -> WorkflowRunOut:
    step = None
    if run.status == "active":
        view = present(run, for_customer=run.customer_id is not None)
        step = WorkflowStepOut(
            id=view.step_id,
            kind=view.kind,
            title=view.title,
            html=view.html,
            options=[label for _, label in view.options],
            input=view.input,
            actions=view.actions,
        )
    return WorkflowRunOut(
        id=run.pk,
        workflow_id=run.workflow_id,
        version=run.version,
        ticket_id=run.ticket_id,
        status=run.status,
        outcome=run.outcome,
        step=step,
        answers=run.answers,
        path=run.path,
        results=run.results,
        opened_ticket_id=run.opened_ticket_id,
        started_at=run.started_at,
        ended_at=run.ended_at,
    )


@router.get("/workflows", response=responses({200: WorkflowPageOut}), summary="Workflows")
def list_workflows(request: HttpRequest, paging: Query[PageParams]) -> WorkflowPageOut:
    staff_actor(request)
    page = paginate(
        Workflow.objects.all(),
        request,
        order=("name", "id"),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return WorkflowPageOut(items=[_out(w) for w in page.items], next=page.next)


@router.post("/workflows", response=responses({201: WorkflowOut}), summary="New workflow")
def create_workflow(request: HttpRequest, payload: WorkflowIn) -> Status[WorkflowOut]:
    actor = staff_actor(request)
    fields = services.WorkflowFields(**payload.model_dump())
    return Status(201, _out(services.create_workflow(fields=fields, actor=actor)))


@router.get(
    "/workflows/{workflow_id}", response=responses({200: WorkflowOut}), summary="Read a workflow"
)
def get_workflow(request: HttpRequest, workflow_id: ObjectId) -> WorkflowOut:
    actor = staff_actor(request)
    return _out(get_workflow_for(actor, workflow_id))


@router.patch(
    "/workflows/{workflow_id}", response=responses({200: WorkflowOut}), summary="Change a workflow"
)
def update_workflow(
    request: HttpRequest, workflow_id: ObjectId, payload: WorkflowUpdateIn
) -> WorkflowOut:
    actor = staff_actor(request)
    services.ensure_manager(actor)
    fields = services.WorkflowFields(**payload.model_dump(exclude_unset=True))
    workflow = get_workflow_for(actor, workflow_id)
    return _out(services.update_workflow(workflow, fields=fields, actor=actor))


@router.delete(
    "/workflows/{workflow_id}", response=responses({204: None}), summary="Delete a workflow"
)
def delete_workflow(request: HttpRequest, workflow_id: ObjectId) -> Status[None]:
    actor = staff_actor(request)
    services.ensure_manager(actor)
    services.delete_workflow(get_workflow_for(actor, workflow_id), actor=actor)
    return Status(204, None)


@router.get(
    "/workflows/{workflow_id}/report",
    response=responses({200: WorkflowReportOut}),
    summary="Where runs of a workflow end",
)
def workflow_report(request: HttpRequest, workflow_id: ObjectId) -> WorkflowReportOut:
    """Runs started, completed and abandoned, and how many were left at each step."""
    actor = staff_actor(request)
    if actor.user is None or not sees_all_tickets(actor.user):
        raise PermissionDenied("Workflow reports are for supervisors and above.")
    found = report(get_workflow_for(actor, workflow_id), now=timezone.now())
    return WorkflowReportOut(
        started=found.started,
        completed=found.completed,
        abandoned=found.abandoned,
        active=found.active,
        outcomes={k or "completed": v for k, v in found.outcomes.items()},
        steps=[WorkflowStepCountOut(**vars(s)) for s in found.steps],
    )


@router.post(
    "/tickets/{ticket_id}/workflows/{workflow_id}/runs",
    response=responses({201: WorkflowRunOut}),
    summary="Start a workflow on a ticket",
)
def start_run(
    request: HttpRequest, ticket_id: ObjectId, workflow_id: ObjectId
) -> Status[WorkflowRunOut]:
    actor = staff_actor(request)
    ticket = get_ticket_for(actor, ticket_id)
    run = engine.begin(get_workflow_for(actor, workflow_id), actor=actor, ticket=ticket)
    return Status(201, _run_out(run))


@router.get(
    "/workflow-runs/{workflow_run_id}",
    response=responses({200: WorkflowRunOut}),
    summary="Read a workflow run",
)
def get_run(request: HttpRequest, workflow_run_id: ObjectId) -> WorkflowRunOut:
    return _run_out(get_run_for(request_actor(request), workflow_run_id))


@router.post(
    "/workflow-runs/{workflow_run_id}/answer",
    response=responses({200: WorkflowRunOut}),
    summary="Answer the current step of a run",
)
def answer_run(
    request: HttpRequest, workflow_run_id: ObjectId, payload: WorkflowAnswerIn
) -> WorkflowRunOut:
    """Answer (an option's ``choice``, a typed ``value``, ``helped`` for a self-service
    answer, ``confirm`` for an end step), or go ``back`` or ``abandon``. ``step`` must be
    the current step: an answer to an earlier one is a 409."""
    actor = request_actor(request)
    run = get_run_for(actor, workflow_run_id)
    if payload.action == "back":
        return _run_out(engine.go_back(run, actor=actor))
    if payload.action == "abandon":
        return _run_out(engine.abandon_run(run, actor=actor))
    reply = engine.Reply(
        choice=payload.choice, value=payload.value, helped=payload.helped, confirm=payload.confirm
    )
    return _run_out(engine.answer(run, step_id=payload.step, reply=reply, actor=actor))
