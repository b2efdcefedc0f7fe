"""The workspace's Workflows pages: the list with run counts, one workflow's steps and its
drop-off report (every staff member), and the editor (admins and heads of support)."""

import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from frontline.accounts.permissions import can_manage_configuration
from frontline.accounts.web import staff_required, web_actor
from frontline.core.errors import ValidationFailed
from frontline.workflows import definition as spec
from frontline.workflows import services
from frontline.workflows.editor import rows_from_definition, rows_from_post
from frontline.workflows.models import Workflow
from frontline.workflows.queries import report, workflow_rows

EXAMPLE = {
    "start": "ask",
    "steps": {
        "ask": {
            "kind": "question",
            "text": "Is the order older than 30 days?",
            "options": [{"label": "Yes", "next": "decline"}, {"label": "No", "next": "refund"}],
        },
        "decline": {"kind": "answer", "text": "Orders older than 30 days cannot be refunded."},
        "refund": {
            "kind": "action",
            "actions": [{"type": "set_fields", "priority": "high", "tags": ["refund"]}],
        },
    },
}


def _may_edit(request: HttpRequest) -> bool:
    user = web_actor(request).user
    return user is not None and can_manage_configuration(user)


@require_GET
@staff_required
def workflow_list(request: HttpRequest) -> HttpResponse:
    context = {"rows": list(workflow_rows()), "may_edit": _may_edit(request)}
    return render(request, "workflows/list.html", context | {"section": "workflows"})


@require_GET
@staff_required
def workflow_detail(request: HttpRequest, workflow_id: int) -> HttpResponse:
    workflow = get_object_or_404(Workflow, pk=workflow_id)
    context = {
        "workflow": workflow,
        "report": report(workflow, now=timezone.now()),
        "rows": rows_from_definition(workflow.definition),
        "definition_json": json.dumps(workflow.definition, indent=2, ensure_ascii=False),
        "may_edit": _may_edit(request),
        "section": "workflows",
    }
    return render(request, "workflows/detail.html", context)


@staff_required
def workflow_form(request: HttpRequest, workflow_id: int | None = None) -> HttpResponse:
    if not _may_edit(request):
        raise DjangoPermissionDenied("Only admins and heads of support configure workflows.")
    workflow = get_object_or_404(Workflow, pk=workflow_id) if workflow_id else None
    if request.method != "POST":
        return render(request, "workflows/form.html", _form_context(workflow))
    values = _values_from(request)
    try:
        fields = services.WorkflowFields(
            name=values["name"],
            description=values["description"],
            definition=_definition_from(request, values),
            is_active=values["is_active"],
            for_agents=values["for_agents"],
            self_service=values["self_service"],
        )
        actor = web_actor(request)
        if workflow is None:
            workflow = services.create_workflow(fields=fields, actor=actor)
        else:
            workflow = services.update_workflow(workflow, fields=fields, actor=actor)
    except ValidationFailed as error:
        context = _form_context(workflow, values) | {"error": error, **_errors(error)}
        return render(request, "workflows/form.html", context, status=422)
    return redirect("workflows:detail", workflow.pk)


def _values_from(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    return {
        "name": post.get("name", ""),
        "description": post.get("description", ""),
        "definition": post.get("definition", ""),
        "mode": "json" if post.get("mode") == "json" else "rows",
        "is_active": "is_active" in post,
        "for_agents": "for_agents" in post,
        "self_service": "self_service" in post,
        "start": post.get("start", ""),
        "rows": rows_from_post(post),
    }


def _definition_from(request: HttpRequest, values: dict[str, Any]) -> dict[str, Any]:
    if values["mode"] == "json":
        try:
            parsed = json.loads(values["definition"] or "{}")
        except json.JSONDecodeError as error:
            problem = spec.Problem("definition", f"is not valid JSON: {error}")
            raise spec.WorkflowInvalid([problem]) from error
        return parsed if isinstance(parsed, dict) else {"_": parsed}
    from frontline.workflows.editor import definition_from_rows

    return definition_from_rows(values["start"], values["rows"])


def _errors(error: ValidationFailed) -> dict[str, Any]:
    """Problems by step id (shown on the step's row) and the others (top of the form)."""
    problems = getattr(error, "problems", None) or [spec.Problem(error.field or "", error.message)]
    by_step: dict[str, list[str]] = {}
    general: list[str] = []
    for problem in problems:
        parts = problem.path.split(".")
        if parts[0] == "steps" and len(parts) > 1:
            step_id = parts[1].split("[")[0]
            by_step.setdefault(step_id, []).append(str(problem))
        else:
            general.append(str(problem))
    return {"step_errors": by_step, "general_errors": general}


def _form_context(
    workflow: Workflow | None, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    definition = workflow.definition if workflow else EXAMPLE
    values = values or {
        "name": workflow.name if workflow else "",
        "description": workflow.description if workflow else "",
        "definition": json.dumps(definition, indent=2, ensure_ascii=False),
        "mode": "rows",
        "is_active": workflow.is_active if workflow else True,
        "for_agents": workflow.for_agents if workflow else True,
        "self_service": workflow.self_service if workflow else False,
        "start": definition.get("start", ""),
        "rows": rows_from_definition(definition),
    }
    return {
        "workflow": workflow,
        "values": values,
        "kinds": spec.KINDS,
        "inputs": ("text", "number", "email", "order_number"),
        "section": "workflows",
    }


@require_POST
@staff_required
def workflow_toggle(request: HttpRequest, workflow_id: int) -> HttpResponse:
    workflow = get_object_or_404(Workflow, pk=workflow_id)
    field = request.POST.get("field")
    if field == "self_service":
        fields = services.WorkflowFields(self_service=not workflow.self_service)
    else:
        fields = services.WorkflowFields(is_active=not workflow.is_active)
    try:
        services.update_workflow(workflow, fields=fields, actor=web_actor(request))
    except ValidationFailed as error:
        return render(request, "core/error.html", {"message": error.message}, status=422)
    return redirect("workflows:detail", workflow.pk)


@require_POST
@staff_required
def workflow_delete(request: HttpRequest, workflow_id: int) -> HttpResponse:
    workflow = get_object_or_404(Workflow, pk=workflow_id)
    services.delete_workflow(workflow, actor=web_actor(request))
    return redirect("workflows:list")
