"""The one small condition language of triage rules and automation triggers.

A condition is JSON: a group ``{"all": [...]}``, ``{"any": [...]}`` or ``{"not": {...}}``,
or a comparison ``{"field": "subject", "op": "contains", "value": "refund"}``. Fields are
dotted names looked up in a mapping of facts the caller builds (``organisation.tier``,
``previous.status``); this module knows no app, so what a field means, and which calendars
exist, come from the caller: ``fields`` (name → ``Field``) to validate against, and a
``calendars`` callback ``(calendar_id, moment) -> bool`` that says whether a calendar is
open at a moment for ``within_calendar`` and ``outside_calendar``.

``validate`` returns every error with the path of the part at fault
(``all[1].any[0].value``); ``evaluate`` assumes a valid condition and never raises for
missing facts: a fact that is absent is ``None``, which no comparison but ``ne``,
``not_in``, ``not_contains`` and ``is_not_set`` matches.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

# Bounds that keep a stored condition cheap to check on every new ticket.
MAX_DEPTH = 8
MAX_COMPARISONS = 100
MAX_PATTERN = 200
MAX_LIST = 500
# Text longer than this is cut before a regular expression sees it.
MATCH_TEXT_LIMIT = 20_000

CalendarCheck = Callable[[int, datetime], bool]


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"  # a text from a known set (status, channel, tier)
    LIST = "list"  # a list of texts (tags)
    DATETIME = "datetime"


@dataclass(frozen=True)
class Field:
    kind: Kind
    description: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConditionError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InvalidCondition(ValueError):
    def __init__(self, errors: Sequence[ConditionError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class Op:
    name: str
    label: str
    # What ``value`` must be: "scalar", "list", "text", "pattern", "ordered", "none", "calendar".
    value: str
    kinds: frozenset[Kind]


_ALL = frozenset(Kind)
_TEXTUAL = frozenset({Kind.TEXT, Kind.CHOICE, Kind.LIST})
_MOMENT = frozenset({Kind.DATETIME})
OPS: dict[str, Op] = {
    op.name: op
    for op in (
        Op("eq", "is", "scalar", _ALL - {Kind.LIST}),
        Op("ne", "is not", "scalar", _ALL - {Kind.LIST}),
        Op("in", "is one of", "list", frozenset({Kind.TEXT, Kind.CHOICE, Kind.NUMBER})),
        Op("not_in", "is none of", "list", frozenset({Kind.TEXT, Kind.CHOICE, Kind.NUMBER})),
        Op("gt", "is more than", "ordered", frozenset({Kind.NUMBER, Kind.DATETIME})),
        Op("gte", "is at least", "ordered", frozenset({Kind.NUMBER, Kind.DATETIME})),
        Op("lt", "is less than", "ordered", frozenset({Kind.NUMBER, Kind.DATETIME})),
        Op("lte", "is at most", "ordered", frozenset({Kind.NUMBER, Kind.DATETIME})),
        Op("contains", "contains", "text", _TEXTUAL),
        Op("not_contains", "does not contain", "text", _TEXTUAL),
        Op("matches", "matches the pattern", "pattern", _TEXTUAL),
        Op("is_set", "is set", "none", _ALL),
        Op("is_not_set", "is not set", "none", _ALL),
        Op("within_calendar", "is within the hours of calendar", "calendar", _MOMENT),
        Op("outside_calendar", "is outside the hours of calendar", "calendar", _MOMENT),
    )
}

# A quantified group that itself holds a quantifier, e.g. (a+)+ or (\w*)*: the shapes that
# backtrack catastrophically. Backreferences are refused outright.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d*,)")
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


# --- validation ------------------------------------------------------------------------


def validate(
    condition: Any,
    *,
    fields: Mapping[str, Field] | None = None,
    calendar_ids: Callable[[int], bool] | None = None,
) -> list[ConditionError]:
    """Every problem of ``condition``, each with the path of the part at fault. Without
    ``fields`` any field name is accepted; without ``calendar_ids`` any calendar id."""
    checker = _Validator(fields, calendar_ids)
    checker.node(condition, "", 0)
    if checker.comparisons > MAX_COMPARISONS:
        checker.fail("", f"A condition holds at most {MAX_COMPARISONS} comparisons.")
    return checker.errors


def ensure_valid(
    condition: Any,
    *,
    fields: Mapping[str, Field] | None = None,
    calendar_ids: Callable[[int], bool] | None = None,
) -> None:
    errors = validate(condition, fields=fields, calendar_ids=calendar_ids)
    if errors:
        raise InvalidCondition(errors)


class _Validator:
    def __init__(
        self, fields: Mapping[str, Field] | None, calendar_ids: Callable[[int], bool] | None
    ) -> None:
        self.fields = fields
        self.calendar_ids = calendar_ids
        self.errors: list[ConditionError] = []
        self.comparisons = 0

    def fail(self, path: str, message: str) -> None:
        self.errors.append(ConditionError(path, message))

    def node(self, node: Any, path: str, depth: int) -> None:
        if not isinstance(node, dict):
            self.fail(path, "Expected an object: a group (all, any, not) or a comparison.")
            return
        if depth > MAX_DEPTH:
            self.fail(path, f"Groups nest at most {MAX_DEPTH} deep.")
            return
        groups = [key for key in ("all", "any", "not") if key in node]
        if groups:
            self.group(node, groups, path, depth)
        else:
            self.comparison(node, path)

    def group(self, node: dict[str, Any], groups: list[str], path: str, depth: int) -> None:
        key = groups[0]
        if len(node) != 1:
            extra = sorted(set(node) - {key})
            self.fail(path, f"A group has only its {key!r}; unexpected: {', '.join(extra)}.")
        inner = node[key]
        where = _join(path, key)
        if key == "not":
            self.node(inner, where, depth + 1)
            return
        if not isinstance(inner, list):
            self.fail(where, f"{key!r} takes a list of conditions.")
            return
        for index, child in enumerate(inner):
            self.node(child, f"{where}[{index}]", depth + 1)

    def comparison(self, node: dict[str, Any], path: str) -> None:
        self.comparisons += 1
        unexpected = sorted(set(node) - {"field", "op", "value"})
        if unexpected:
            self.fail(path, f"Unexpected keys: {', '.join(unexpected)}.")
        name, op_name = node.get("field"), node.get("op")
        if not isinstance(name, str) or not name:
            self.fail(_join(path, "field"), "A comparison names a field.")
            return
        spec = self._field(name, _join(path, "field"))
        op = OPS.get(op_name) if isinstance(op_name, str) else None
        if op is None:
            known = ", ".join(OPS)
            self.fail(_join(path, "op"), f"Unknown operator {op_name!r}; one of {known}.")
            return
        if spec is not None and spec.kind not in op.kinds:
            self.fail(_join(path, "op"), f"{op.name!r} does not apply to {name!r} ({spec.kind}).")
            return
        self.value(node, op, spec, _join(path, "value"))

    def _field(self, name: str, path: str) -> Field | None:
        if self.fields is None:
            return None
        spec = self.fields.get(name)
        if spec is None:
            self.fail(path, f"Unknown field {name!r}.")
        return spec

    def value(self, node: dict[str, Any], op: Op, spec: Field | None, path: str) -> None:
        present = "value" in node
        value: Any = node.get("value")
        message = _value_problem(op, spec, present, value)
        known = self.calendar_ids
        if message is None and op.value == "calendar" and known and not known(int(value)):
            message = f"There is no calendar {value}."
        if message is not None:
            self.fail(path, message)


def _value_problem(op: Op, spec: Field | None, present: bool, value: Any) -> str | None:
    shape = op.value
    if shape == "none":
        return None if value is None else f"{op.name!r} takes no value."
    if not present:
        return f"{op.name!r} needs a value."
    if shape == "scalar":
        return _scalar_problem(value, spec)
    if shape == "list":
        if not isinstance(value, list) or not value:
            return f"{op.name!r} takes a non-empty list."
        if len(value) > MAX_LIST:
            return f"A list holds at most {MAX_LIST} values."
        problems = [p for p in (_scalar_problem(v, spec) for v in value) if p]
        return problems[0] if problems else None
    if shape == "text":
        return None if isinstance(value, str) and value else "Expected some text."
    if shape == "pattern":
        return pattern_problem(value)
    if shape == "ordered":
        return _ordered_problem(value, spec)
    # calendar
    is_id = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return None if is_id else "Expected the id of a calendar."


def _scalar_problem(value: Any, spec: Field | None) -> str | None:
    if spec is None:
        ok = value is None or isinstance(value, str | int | float | bool)
        return None if ok else "Expected text, a number, true, false or null."
    if spec.kind is Kind.NUMBER:
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        return None if is_number else "Expected a number."
    if spec.kind is Kind.BOOLEAN:
        return None if isinstance(value, bool) else "Expected true or false."
    if spec.kind is Kind.DATETIME:
        return _ordered_problem(value, spec)
    if not isinstance(value, str):
        return "Expected text."
    if spec.choices and value.casefold() not in {c.casefold() for c in spec.choices}:
        return f"{value!r} is not one of {', '.join(spec.choices)}."
    return None


def _ordered_problem(value: Any, spec: Field | None) -> str | None:
    wants_moment = spec.kind is Kind.DATETIME if spec is not None else isinstance(value, str)
    if wants_moment:
        return None if _as_datetime(value) is not None else "Expected an ISO 8601 date and time."
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return None if is_number else "Expected a number."


def pattern_problem(pattern: Any) -> str | None:
    """Why ``pattern`` may not be used by ``matches``, or None."""
    if not isinstance(pattern, str) or not pattern:
        return "Expected a regular expression."
    if len(pattern) > MAX_PATTERN:
        return f"A pattern is at most {MAX_PATTERN} characters."
    if _BACKREFERENCE.search(pattern):
        return "Backreferences are not allowed in patterns."
    if _NESTED_QUANTIFIER.search(pattern):
        return "Nested repetition such as (a+)+ can take forever to match; simplify the pattern."
    try:
        re.compile(pattern)
    except re.error as error:
        return f"Not a valid regular expression: {error}."
    return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# --- evaluation ------------------------------------------------------------------------


def evaluate(
    condition: Mapping[str, Any],
    facts: Mapping[str, Any],
    *,
    calendars: CalendarCheck | None = None,
) -> bool:
    """Whether ``facts`` satisfy ``condition`` (validated beforehand). A calendar operator
    without a ``calendars`` callback raises ``LookupError``."""
    if "all" in condition:
        return all(evaluate(c, facts, calendars=calendars) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, facts, calendars=calendars) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], facts, calendars=calendars)
    actual = lookup(facts, condition["field"])
    return _compare(condition["op"], actual, condition.get("value"), calendars)


def lookup(facts: Mapping[str, Any], name: str) -> Any:
    """A fact by dotted name: a flat key first (``"organisation.tier"``), then nested
    mappings (``facts["organisation"]["tier"]``)."""
    if name in facts:
        return facts[name]
    current: Any = facts
    for part in name.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def _compare(op: str, actual: Any, expected: Any, calendars: CalendarCheck | None) -> bool:
    if op == "is_set":
        return _is_set(actual)
    if op == "is_not_set":
        return not _is_set(actual)
    if op in ("within_calendar", "outside_calendar"):
        return _calendar(op, actual, expected, calendars)
    if op in _NEGATIONS:
        return not _compare(_NEGATIONS[op], actual, expected, calendars)
    if actual is None:
        return False
    if op == "eq":
        return _same(actual, expected)
    if op == "in":
        return any(_same(actual, item) for item in expected)
    if op == "contains":
        return _contains(actual, expected)
    if op == "matches":
        return _matches(actual, expected)
    return _ordered(op, actual, expected)


_NEGATIONS = {"ne": "eq", "not_in": "in", "not_contains": "contains"}


def _is_set(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset | dict):
        return bool(value)
    return value is not None


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, datetime):
        moment = _as_datetime(expected)
        return moment is not None and _comparable(actual, moment) == (actual, moment)
    if isinstance(actual, bool) != isinstance(expected, bool):
        return False
    return bool(_fold(actual) == _fold(expected))


def _contains(actual: Any, expected: Any) -> bool:
    needle = _fold(expected)
    if isinstance(actual, str):
        return bool(needle in actual.casefold())
    if isinstance(actual, list | tuple | set | frozenset):
        return any(_fold(item) == needle for item in actual)
    return False


def _matches(actual: Any, pattern: str) -> bool:
    compiled = _compiled(pattern)
    if isinstance(actual, str):
        return compiled.search(actual[:MATCH_TEXT_LIMIT]) is not None
    if isinstance(actual, list | tuple | set | frozenset):
        return any(isinstance(i, str) and compiled.search(i) is not None for i in actual)
    return False


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    found = _PATTERNS.get(pattern)
    if found is None:
        if len(_PATTERNS) > 1000:
            _PATTERNS.clear()
        found = _PATTERNS[pattern] = re.compile(pattern, re.IGNORECASE)
    return found


def _ordered(op: str, actual: Any, expected: Any) -> bool:
    if isinstance(actual, datetime):
        moment = _as_datetime(expected)
        if moment is None:
            return False
        actual, expected = _comparable(actual, moment)
    elif (
        isinstance(actual, bool)
        or not isinstance(actual, int | float)
        or isinstance(expected, bool)
        or not isinstance(expected, int | float)
    ):
        return False
    if op == "gt":
        return bool(actual > expected)
    if op == "gte":
        return bool(actual >= expected)
    if op == "lt":
        return bool(actual < expected)
    return bool(actual <= expected)


def _calendar(op: str, actual: Any, calendar_id: Any, calendars: CalendarCheck | None) -> bool:
    if calendars is None:
        raise LookupError(f"{op!r} needs a calendars callback.")
    if not isinstance(actual, datetime):
        return False
    inside = calendars(int(calendar_id), actual)
    return inside if op == "within_calendar" else not inside


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _comparable(a: datetime, b: datetime) -> tuple[datetime, datetime]:
    """Two moments made comparable: a naive one is read in the other's time zone."""
    if (a.tzinfo is None) == (b.tzinfo is None):
        return a, b
    if a.tzinfo is None:
        return a.replace(tzinfo=b.tzinfo), b
    return a, b.replace(tzinfo=a.tzinfo)


# --- reading ---------------------------------------------------------------------------


def describe(condition: Any) -> str:
    """A condition in words, for lists of rules: ``subject contains "refund" and …``."""
    if not isinstance(condition, Mapping):
        return "(invalid)"
    for key, joiner in (("all", " and "), ("any", " or ")):
        if key in condition:
            parts = condition[key] if isinstance(condition[key], list) else []
            if not parts:
                return "always" if key == "all" else "never"
            words = [describe(p) for p in parts]
            text = joiner.join(words)
            return f"({text})" if len(words) > 1 else text
    if "not" in condition:
        return f"not {describe(condition['not'])}"
    op = OPS.get(condition.get("op", ""))
    label = op.label if op else str(condition.get("op"))
    if op is not None and op.value == "none":
        return f"{condition.get('field')} {label}"
    return f"{condition.get('field')} {label} {_words(condition.get('value'))}"


def _words(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_words(v) for v in value)
    if isinstance(value, str):
        return f'"{value}"'
    return str(value).lower() if isinstance(value, bool) else str(value)


# --- compiled evaluation ---------------------------------------------------------------

Compiled = Callable[[Mapping[str, Any]], bool]


def compile_condition(
    condition: Mapping[str, Any], *, calendars: CalendarCheck | None = None
) -> Compiled:
    """``evaluate`` turned into closures once, for callers that check the same stored
    condition very often (automation triggers on every ticket change): the same answers,
    without walking the JSON each time."""
    if "all" in condition:
        parts = tuple(compile_condition(c, calendars=calendars) for c in condition["all"])
        return lambda facts: all(part(facts) for part in parts)
    if "any" in condition:
        parts = tuple(compile_condition(c, calendars=calendars) for c in condition["any"])
        return lambda facts: any(part(facts) for part in parts)
    if "not" in condition:
        inner = compile_condition(condition["not"], calendars=calendars)
        return lambda facts: not inner(facts)
    name, op, expected = condition["field"], condition["op"], condition.get("value")
    return lambda facts: _compare(op, lookup(facts, name), expected, calendars)
