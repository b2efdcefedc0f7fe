"""A run's current step as the agent panel and the portal show it."""

from dataclasses import dataclass, field
from typing import Any

from frontline.workflows import definition as spec
from frontline.workflows.engine import context, step_of
from frontline.workflows.models import RunStatus, WorkflowRun
from frontline.workflows.queries import step_title
from frontline.workflows.rendering import render_text


@dataclass(frozen=True)
class StepView:
    run: WorkflowRun
    step_id: str
    kind: str
    title: str
    html: str = ""
    options: list[tuple[int, str]] = field(default_factory=list)
    input: str = ""
    actions: list[str] = field(default_factory=list)
    can_go_back: bool = False
    answers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_active(self) -> bool:
        return self.run.status == RunStatus.ACTIVE


def present(run: WorkflowRun, *, for_customer: bool) -> StepView:
    step = step_of(run)
    values = context(run)
    text = getattr(step, "text", "") or ""
    return StepView(
        run=run,
        step_id=run.current_step,
        kind=step.kind,
        title=step_title(step),
        html=render_text(text, values, for_customer=for_customer) if text else "",
        options=[(i, o.label) for i, o in enumerate(step.options or [])]
        if isinstance(step, spec.QuestionStep)
        else [],
        input=(step.input or "") if isinstance(step, spec.QuestionStep) else "",
        actions=[describe_action(a) for a in getattr(step, "actions", [])],
        can_go_back=len(run.path) > 1,
        answers=collected(run),
    )


def collected(run: WorkflowRun) -> list[tuple[str, str]]:
    """(question, answer) for each question answered on the way here."""
    pairs = []
    for step_id in run.path:
        step = step_of(run, step_id)
        if isinstance(step, spec.QuestionStep):
            key = step.save_as or step_id
            if key in run.answers and step_id != run.current_step:
                pairs.append((step.text, str(run.answers[key])))
    return pairs


def describe_action(action: Any) -> str:
    if isinstance(action, spec.ApplyMacro):
        return f"Apply the macro '{action.macro}'"
    if isinstance(action, spec.SetFields):
        said = [f"{name} to {value}" for name, value in _fields(action) if value is not None]
        return "Set " + ", ".join(said)
    if isinstance(action, spec.Escalate):
        return "Escalate to the next tier"
    if isinstance(action, spec.OpenLinkedTicket):
        return f"Open a linked ticket “{action.subject}”"
    return "Request a concession (available once concessions exist)"


def _fields(action: spec.SetFields) -> list[tuple[str, Any]]:
    tags = ", ".join(action.tags) if action.tags else None
    return [
        ("status", action.status),
        ("priority", action.priority),
        ("team", action.team),
        ("category", action.category),
        ("tags", tags),
    ]
