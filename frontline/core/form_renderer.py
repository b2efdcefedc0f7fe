"""A form renderer that writes the common widgets in Python.

Django renders every widget, and every ``<option>`` of a select, through a template
include. The workspace's inbox and ticket pages carry a dozen selects with a few hundred
options between them, and those includes were two thirds of the pages' server time. This
renderer produces the same markup as Django's own widget templates for inputs, selects,
check boxes and radio buttons, escaped the same way, and hands every other template
(textareas, file inputs, date parts, custom widgets) to Django's template renderer.
"""

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

Widget = dict[str, Any]

_INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "email",
        "number",
        "hidden",
        "checkbox",
        "password",
        "url",
        "search",
        "tel",
        "date",
        "datetime",
        "time",
        "color",
    )
)
_OPTIONS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input_option", "checkbox_option", "radio_option")
)
_MULTIPLE = frozenset(
    f"django/forms/widgets/{name}.html" for name in ("checkbox_select", "radio", "multiple_input")
)
_SELECT = "django/forms/widgets/select.html"
_SELECT_OPTION = "django/forms/widgets/select_option.html"


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, escaped unless already safe."""
    return str(conditional_escape(str(value) if not isinstance(value, SafeString) else value))


def attrs(widget: Widget) -> str:
    parts = []
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{_text(value)}"')
    return "".join(parts)


def input_html(widget: Widget) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return f'<input type="{widget["type"]}" name="{_text(widget["name"])}"{value}{attrs(widget)}>'


def option_html(widget: Widget) -> str:
    """A check box or radio button of a group; ``wrap_label`` puts it in its label."""
    field = input_html(widget)
    if not widget.get("wrap_label"):
        return field
    target = widget["attrs"].get("id")
    label_for = f' for="{_text(target)}"' if target else ""
    return f"<label{label_for}>{field} {conditional_escape(widget['label'])}</label>"


def select_option_html(widget: Widget) -> str:
    value = _text(widget["value"])
    return f'<option value="{value}"{attrs(widget)}>{conditional_escape(widget["label"])}</option>'


def _child(option: Widget) -> str:
    return _render_known(option["template_name"], option) or ""


def select_html(widget: Widget) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{attrs(widget)}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        parts.extend(f"\n  {_child(option)}" for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def multiple_html(widget: Widget) -> str:
    target, css = widget["attrs"].get("id"), widget["attrs"].get("class")
    parts = ["<div"]
    if target:
        parts.append(f' id="{_text(target)}"')
    if css:
        parts.append(f' class="{_text(css)}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        parts.extend(f"<div>\n    {_child(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _writer(template_name: str) -> Callable[[Widget], str] | None:
    if template_name in _INPUTS:
        return input_html
    if template_name in _OPTIONS:
        return option_html
    if template_name == _SELECT:
        return select_html
    if template_name == _SELECT_OPTION:
        return select_option_html
    if template_name in _MULTIPLE:
        return multiple_html
    return None


def _render_known(template_name: str, widget: Widget) -> str | None:
    writer = _writer(template_name)
    return writer(widget) if writer is not None else None


class FastWidgetRenderer(DjangoTemplates):
    """Django's template renderer, with the common widgets written in Python."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict):
            html = _render_known(template_name, widget)
            if html is not None:
                return mark_safe(html)  # noqa: S308 - every value above is escaped
        return super().render(template_name, context, request)
