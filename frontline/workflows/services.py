"""Configuring workflows and integrations: the only writers of ``Workflow`` and
``Integration``. Only admins and heads of support configure them
(``can_manage_configuration``); runs are ``engine.py``'s."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from frontline.accounts.models import Team
from frontline.accounts.permissions import can_manage_configuration
from frontline.core.actors import Actor
from frontline.core.errors import PermissionDenied, ValidationFailed
from frontline.macros.models import Macro
from frontline.tickets.models import Category
from frontline.workflows import definition as spec
from frontline.workflows.models import Integration, Workflow


@dataclass(frozen=True)
class WorkflowFields:
    """What a create or an update sets; ``None`` leaves a field as it is."""

    name: str | None = None
    description: str | None = None
    definition: dict[str, Any] | None = None
    is_active: bool | None = None
    for_agents: bool | None = None
    self_service: bool | None = None


def ensure_manager(actor: Actor) -> None:
    user = actor.user
    if not actor.is_agent or user is None or not can_manage_configuration(user):
        raise PermissionDenied("Only admins and heads of support configure workflows.")


@transaction.atomic
def create_workflow(*, fields: WorkflowFields, actor: Actor) -> Workflow:
    ensure_manager(actor)
    workflow = Workflow(created_by=actor.user)
    _apply(workflow, fields)
    if fields.definition is None:
        raise ValidationFailed("A workflow needs a definition.", field="definition")
    workflow.save()
    return workflow


@transaction.atomic
def update_workflow(workflow: Workflow, *, fields: WorkflowFields, actor: Actor) -> Workflow:
    ensure_manager(actor)
    workflow = Workflow.objects.select_for_update().get(pk=workflow.pk)
    before = workflow.definition
    _apply(workflow, fields)
    if fields.definition is not None and fields.definition != before:
        workflow.version += 1
    workflow.save()
    return workflow


@transaction.atomic
def delete_workflow(workflow: Workflow, *, actor: Actor) -> None:
    """Delete it with its runs; the steps recorded on tickets stay in their audit logs."""
    ensure_manager(actor)
    workflow.delete()


def _apply(workflow: Workflow, fields: WorkflowFields) -> None:
    if fields.name is not None:
        workflow.name = _checked_name(fields.name, workflow)
        workflow.slug = _unique_slug(workflow.name, workflow)
    if fields.description is not None:
        workflow.description = fields.description.strip()[:2000]
    for name in ("is_active", "for_agents", "self_service"):
        value = getattr(fields, name)
        if value is not None:
            setattr(workflow, name, value)
    if not (workflow.for_agents or workflow.self_service):
        raise ValidationFailed(
            "A workflow runs for agents, for customers (self-service), or both.",
            field="for_agents",
        )
    if fields.definition is not None:
        validate_definition(fields.definition)
        workflow.definition = fields.definition


def _checked_name(name: str, workflow: Workflow) -> str:
    name = name.strip()
    if not name:
        raise ValidationFailed("A workflow needs a name.", field="name")
    if len(name) > 120:
        raise ValidationFailed("A name has at most 120 characters.", field="name")
    taken = Workflow.objects.filter(name__iexact=name).exclude(pk=workflow.pk).exists()
    if taken:
        raise ValidationFailed(f'There is already a workflow called "{name}".', field="name")
    return name


def _unique_slug(name: str, workflow: Workflow) -> str:
    base = slugify(name)[:100] or "workflow"
    slug, n = base, 2
    while Workflow.objects.filter(slug=slug).exclude(pk=workflow.pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def validate_definition(raw: Any) -> spec.Definition:
    """The definition's shape, links, and what it names (integrations, macros, teams,
    categories) existing now; raises ``definition.WorkflowInvalid`` listing every problem."""
    parsed = spec.parse(raw)
    problems = list(_reference_problems(parsed))
    if problems:
        raise spec.WorkflowInvalid(problems)
    return parsed


def _reference_problems(parsed: spec.Definition) -> list[spec.Problem]:
    problems: list[spec.Problem] = []
    for step_id, step in parsed.steps.items():
        base = f"steps.{step_id}"
        if isinstance(step, spec.LookupStep) and find_integration(step.integration) is None:
            problems.append(
                spec.Problem(f"{base}.integration", f'no integration "{step.integration}"')
            )
        if isinstance(step, spec.ActionStep):
            for index, action in enumerate(step.actions):
                at = f"{base}.actions[{index}]"
                problems.extend(_action_problems(action, at))
    return problems


def _action_problems(action: Any, at: str) -> list[spec.Problem]:
    if isinstance(action, spec.ApplyMacro) and find_macro(action.macro) is None:
        return [spec.Problem(f"{at}.macro", f'no active macro "{action.macro}"')]
    found: list[spec.Problem] = []
    if isinstance(action, spec.SetFields):
        if action.team is not None and find_team(action.team) is None:
            found.append(spec.Problem(f"{at}.team", f'no team "{action.team}"'))
        if action.category is not None and find_category(action.category) is None:
            found.append(spec.Problem(f"{at}.category", f'no category "{action.category}"'))
    return found


def find_integration(ref: str | int) -> Integration | None:
    rows = Integration.objects.filter(is_active=True)
    if isinstance(ref, int) or str(ref).isdigit():
        return rows.filter(pk=int(ref)).first()
    return rows.filter(slug=ref).first()


def find_macro(ref: str | int) -> Macro | None:
    rows = Macro.objects.filter(is_active=True)
    if isinstance(ref, int):
        return rows.filter(pk=ref).first()
    return rows.filter(name__iexact=ref).order_by("id").first()


def find_team(ref: str | int) -> Team | None:
    if isinstance(ref, int):
        return Team.objects.filter(pk=ref).first()
    return Team.objects.filter(slug=ref).first() or Team.objects.filter(name__iexact=ref).first()


def find_category(ref: str | int) -> Category | None:
    if isinstance(ref, int):
        return Category.objects.filter(pk=ref).first()
    return (
        Category.objects.filter(slug=ref).first()
        or Category.objects.filter(name__iexact=ref).first()
    )


@dataclass(frozen=True)
class IntegrationFields:
    name: str
    slug: str
    base_url: str
    auth_header: str = ""
    secret: str = ""
    timeout_s: float = 3.0
    is_active: bool = True


@transaction.atomic
def save_integration(
    *, fields: IntegrationFields, actor: Actor, integration: Integration | None = None
) -> Integration:
    """Create (or, given ``integration``, change) an HTTP integration for lookups."""
    ensure_manager(actor)
    row = integration or Integration()
    if not fields.base_url.startswith(("http://", "https://", "/")):
        raise ValidationFailed(
            "The base URL starts with http://, https:// or / (this server).", field="base_url"
        )
    if not 0.5 <= fields.timeout_s <= 30:
        raise ValidationFailed("The timeout is 0.5 to 30 seconds.", field="timeout_s")
    slug = slugify(fields.slug or fields.name)[:60]
    if Integration.objects.filter(slug=slug).exclude(pk=row.pk).exists():
        raise ValidationFailed(f'There is already an integration "{slug}".', field="slug")
    row.name, row.slug, row.base_url = fields.name.strip()[:120], slug, fields.base_url.strip()
    row.auth_header, row.secret = fields.auth_header.strip(), fields.secret
    row.timeout_s, row.is_active = fields.timeout_s, fields.is_active
    row.save()
    return row


@transaction.atomic
def delete_integration(integration: Integration, *, actor: Actor) -> None:
    """Delete it; lookups that name it then take their not-found branch, saying so."""
    ensure_manager(actor)
    integration.delete()
