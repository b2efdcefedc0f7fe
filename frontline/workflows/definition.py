"""A workflow's definition: its JSON shape, the checks made on save, and the placeholders
of its texts.

    {"start": "ask_age",
     "steps": {
       "ask_age": {"kind": "question", "text": "Is the order older than 30 days?",
                   "options": [{"label": "Yes", "next": "decline"},
                               {"label": "No", "next": "refund"}]},
       "refund": {"kind": "action",
                  "actions": [{"type": "apply_macro", "macro": "Refund approved"}]},
       ...}}

Every error names where it is, as ``steps.ask_age.options[1].next: no step "x"``, so the
editor can show it beside the field and an API client can find it.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from frontline.core.errors import ValidationFailed

MAX_STEPS = 50
MAX_TEXT = 5000
STEP_ID = re.compile(r"^[A-Za-z0-9_-]{1,60}$")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")
InputKind = Literal["text", "number", "email", "order_number"]
StatusName = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
PriorityName = Literal["low", "normal", "high", "urgent"]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Option(_Shape):
    label: str = Field(min_length=1, max_length=200)
    next: str


class InstructionStep(_Shape):
    kind: Literal["instruction"]
    title: str = Field(default="", max_length=200)
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    next: str


class QuestionStep(_Shape):
    kind: Literal["question"]
    text: str = Field(min_length=1, max_length=1000)
    options: list[Option] | None = Field(default=None, min_length=2, max_length=12)
    input: InputKind | None = None
    save_as: str | None = Field(default=None, pattern=r"^[A-Za-z_]\w{0,39}$")
    next: str | None = None

    @model_validator(mode="after")
    def _options_or_input(self) -> "QuestionStep":
        if (self.options is None) == (self.input is None):
            raise ValueError("a question has either options or an input, not both or neither")
        if self.input is not None and not self.next:
            raise ValueError("a question with an input needs next")
        if self.options is not None and self.next:
            raise ValueError("a question with options branches on each option's next")
        return self

    @property
    def key(self) -> str:
        return self.save_as or ""


class LookupStep(_Shape):
    kind: Literal["lookup"]
    title: str = Field(default="Looking it up", max_length=200)
    integration: str = Field(min_length=1, max_length=60)
    path: str = Field(min_length=1, max_length=500, pattern=r"^/")
    save_as: str = Field(pattern=r"^[A-Za-z_]\w{0,39}$")
    on_found: str
    on_not_found: str


class AnswerStep(_Shape):
    kind: Literal["answer"]
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class ApplyMacro(_Shape):
    type: Literal["apply_macro"]
    macro: str | int


class SetFields(_Shape):
    type: Literal["set_fields"]
    status: StatusName | None = None
    priority: PriorityName | None = None
    team: str | int | None = None
    category: str | int | None = None
    tags: list[Annotated[str, Field(min_length=1, max_length=50)]] | None = Field(
        default=None, max_length=10
    )

    @model_validator(mode="after")
    def _something(self) -> "SetFields":
        if not self.model_fields_set - {"type"}:
            raise ValueError(
                "set_fields needs at least one of status, priority, team, category, tags"
            )
        return self


class Escalate(_Shape):
    type: Literal["escalate"]
    reason: str = Field(default="Escalated by a guided workflow.", min_length=1, max_length=2000)


class OpenLinkedTicket(_Shape):
    type: Literal["open_linked_ticket"]
    subject: str = Field(min_length=1, max_length=250)


class RequestConcession(_Shape):
    type: Literal["request_concession"]
    concession: str = ""
    amount: float | None = None


Action = Annotated[
    ApplyMacro | SetFields | Escalate | OpenLinkedTicket | RequestConcession,
    Field(discriminator="type"),
]


class ActionStep(_Shape):
    kind: Literal["action"]
    text: str = Field(default="", max_length=MAX_TEXT)
    actions: list[Action] = Field(min_length=1, max_length=10)


class OpenTicketStep(_Shape):
    kind: Literal["open_ticket"]
    text: str = Field(default="", max_length=MAX_TEXT)
    subject: str = Field(min_length=1, max_length=250)


Step = Annotated[
    InstructionStep | QuestionStep | LookupStep | AnswerStep | ActionStep | OpenTicketStep,
    Field(discriminator="kind"),
]
KINDS = ("instruction", "question", "lookup", "answer", "action", "open_ticket")
END_KINDS = frozenset({"answer", "action", "open_ticket"})
ACTION_TYPES = (
    "apply_macro", "set_fields", "escalate", "open_linked_ticket", "request_concession"
)  # fmt: skip


class Definition(_Shape):
    start: str
    steps: dict[str, Step] = Field(min_length=1, max_length=MAX_STEPS)


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class WorkflowInvalid(ValidationFailed):
    """The definition has problems; ``problems`` lists each with its path."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems), field=problems[0].path)
        self.problems = problems


def parse(raw: Any) -> Definition:
    """The definition, checked for shape and for its steps' links; raises ``WorkflowInvalid``."""
    if not isinstance(raw, dict):
        raise WorkflowInvalid([Problem("definition", "must be a JSON object")])
    try:
        definition = Definition.model_validate(raw)
    except ValidationError as error:
        raise WorkflowInvalid([_problem(e) for e in error.errors()]) from None
    problems = list(_link_problems(definition))
    if problems:
        raise WorkflowInvalid(problems)
    return definition


def _problem(error: Mapping[str, Any]) -> Problem:
    location = list(error.get("loc", ()))
    kept: list[str | int] = []
    for index, part in enumerate(location):
        previous = location[index - 1] if index else None
        is_tag = part in KINDS or part in ACTION_TYPES
        if is_tag and index >= 2 and (index == 2 or isinstance(previous, int)):
            continue  # the union's member pydantic tried, not a field
        kept.append(part)
    if error.get("type") in ("union_tag_invalid", "union_tag_not_found"):
        kept.append(str(error.get("ctx", {}).get("discriminator", "kind")).strip("'"))
    return Problem(format_path(kept), _message(error))


def _message(error: Mapping[str, Any]) -> str:
    kind = error.get("type")
    if kind == "union_tag_not_found":
        tag = error.get("ctx", {}).get("discriminator", "kind").strip("'")
        choices = KINDS if tag == "kind" else ACTION_TYPES
        return f"needs a {tag}: one of {', '.join(choices)}"
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("discriminator", "kind").strip("'")
        choices = KINDS if tag == "kind" else ACTION_TYPES
        return f"{tag} must be one of {', '.join(choices)}"
    if kind == "too_long" and tuple(error.get("loc", ())) == ("steps",):
        return f"a workflow has at most {MAX_STEPS} steps"
    message = str(error.get("msg", "is not valid"))
    return message.removeprefix("Value error, ")


def format_path(parts: list[str | int]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "definition"


def _link_problems(definition: Definition) -> Iterator[Problem]:
    steps = definition.steps
    for step_id in steps:
        if not STEP_ID.match(step_id):
            yield Problem(f"steps.{step_id}", "a step id is letters, digits, _ or -, up to 60")
    if definition.start not in steps:
        yield Problem("start", f'no step "{definition.start}"')
        return
    broken = False
    for step_id, step in steps.items():
        for path, target in links(step_id, step):
            if target not in steps:
                broken = True
                yield Problem(path, f'no step "{target}"')
        if isinstance(step, ActionStep):
            for index, action in enumerate(step.actions):
                if isinstance(action, RequestConcession):
                    yield Problem(
                        f"steps.{step_id}.actions[{index}].type",
                        "requesting a concession is available once concessions exist",
                    )
    if not broken:
        yield from _shape_problems(definition)


def links(step_id: str, step: Any) -> list[tuple[str, str]]:
    """Where the step can lead: (the path of the field, the step id it names)."""
    base = f"steps.{step_id}"
    if isinstance(step, InstructionStep):
        return [(f"{base}.next", step.next)]
    if isinstance(step, QuestionStep):
        if step.options is not None:
            return [(f"{base}.options[{i}].next", o.next) for i, o in enumerate(step.options)]
        return [(f"{base}.next", step.next or "")]
    if isinstance(step, LookupStep):
        return [(f"{base}.on_found", step.on_found), (f"{base}.on_not_found", step.on_not_found)]
    return []


def _shape_problems(definition: Definition) -> Iterator[Problem]:
    """Loops (a run must always reach an end) and steps no path reaches."""
    steps = definition.steps
    state: dict[str, str] = {}  # "open" while on the current path, "done" after
    problems: list[Problem] = []

    def visit(step_id: str) -> None:
        state[step_id] = "open"
        for path, target in links(step_id, steps[step_id]):
            if state.get(target) == "open":
                problems.append(Problem(path, f'leads back to "{target}": workflows may not loop'))
            elif target not in state:
                visit(target)
        state[step_id] = "done"

    visit(definition.start)
    yield from problems
    for step_id in steps:
        if step_id not in state:
            yield Problem(f"steps.{step_id}", "no path from the start step reaches it")


def order(definition: Definition) -> list[str]:
    """Step ids from the start, breadth first (stored JSON keeps no order on PostgreSQL)."""
    seen: list[str] = []
    queue = [definition.start]
    while queue:
        step_id = queue.pop(0)
        if step_id in seen or step_id not in definition.steps:
            continue
        seen.append(step_id)
        queue.extend(target for _, target in links(step_id, definition.steps[step_id]))
    return seen + [s for s in definition.steps if s not in seen]


def fill(text: str, context: Mapping[str, Any], *, for_url: bool = False) -> str:
    """``{{ answers.order }}`` and ``{{ lookup.status }}`` replaced by their values; an
    unknown name becomes empty. In a URL each value is percent-encoded."""

    def value(match: re.Match[str]) -> str:
        found: Any = context
        for part in match.group(1).split("."):
            found = found.get(part) if isinstance(found, Mapping) else None
        shown = "" if found is None or isinstance(found, dict | list) else str(found)
        return quote(shown, safe="") if for_url else shown

    return PLACEHOLDER.sub(value, text)
