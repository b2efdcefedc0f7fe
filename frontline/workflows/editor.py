"""The structured editor's rows: one per step (id, kind, text, next, options as
"Label -> next" lines, input, save as, and the rest of the step as JSON), to and from a
definition. Blank rows are how steps are added; a row without an id is ignored."""

import json
from typing import Any

from django.http import QueryDict

from frontline.workflows import definition as spec

SPARE_ROWS = 3
MAX_ROWS = spec.MAX_STEPS + SPARE_ROWS
_OWN = ("kind", "text", "next", "options", "input", "save_as")


def rows_from_definition(raw: Any) -> list[dict[str, str]]:
    steps = raw.get("steps", {}) if isinstance(raw, dict) else {}
    if not isinstance(steps, dict):
        return []
    try:
        ordered = spec.order(spec.Definition.model_validate(raw))
    except ValueError:
        ordered = list(steps)
    rows = [
        _row(step_id, steps[step_id]) for step_id in ordered if isinstance(steps[step_id], dict)
    ]
    return rows + [_blank() for _ in range(SPARE_ROWS)]


def _row(step_id: str, step: dict[str, Any]) -> dict[str, str]:
    options = step.get("options") or []
    rest = {k: v for k, v in step.items() if k not in _OWN}
    return {
        "id": step_id,
        "kind": str(step.get("kind", "")),
        "text": str(step.get("text", "")),
        "next": str(step.get("next", "") or ""),
        "options": "\n".join(
            f"{o.get('label', '')} -> {o.get('next', '')}" for o in options if isinstance(o, dict)
        ),
        "input": str(step.get("input", "") or ""),
        "save_as": str(step.get("save_as", "") or ""),
        "extra": json.dumps(rest, ensure_ascii=False) if rest else "",
    }


def _blank() -> dict[str, str]:
    return dict.fromkeys(("id", "kind", "text", "next", "options", "input", "save_as", "extra"), "")


def rows_from_post(post: QueryDict) -> list[dict[str, str]]:
    rows = []
    for n in range(MAX_ROWS):
        if f"row-{n}-id" not in post:
            break
        rows.append({key: post.get(f"row-{n}-{key}", "").strip() for key in _blank()})
    return rows


def definition_from_rows(start: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    """The definition the rows describe; what cannot be read (the JSON of "more") is left
    for validation to name, at the step's path."""
    steps: dict[str, Any] = {}
    for row in rows:
        if not row["id"]:
            continue
        step: dict[str, Any] = {"kind": row["kind"]}
        for key in ("text", "next", "input", "save_as"):
            if row[key]:
                step[key] = row[key]
        if row["options"]:
            step["options"] = [
                _option(line) for line in row["options"].splitlines() if line.strip()
            ]
        if row["extra"]:
            try:
                extra = json.loads(row["extra"])
            except json.JSONDecodeError as error:
                problem = spec.Problem(f"steps.{row['id']}", f"“more” is not valid JSON: {error}")
                raise spec.WorkflowInvalid([problem]) from error
            if isinstance(extra, dict):
                step.update({k: v for k, v in extra.items() if k not in _OWN})
        steps[row["id"]] = step
    first = next((row["id"] for row in rows if row["id"]), "")
    return {"start": start or first, "steps": steps}


def _option(line: str) -> dict[str, str]:
    label, _, target = line.partition("->")
    return {"label": label.strip(), "next": target.strip()}
