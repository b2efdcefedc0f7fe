"""The shared condition language: every operator, groups, validation naming the path at
fault, calendars through the caller's callback."""

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.core.conditions import (
    OPS,
    Field,
    InvalidCondition,
    Kind,
    describe,
    ensure_valid,
    evaluate,
    lookup,
    validate,
)

FIELDS = {
    "subject": Field(Kind.TEXT),
    "channel": Field(Kind.CHOICE, choices=("email", "chat")),
    "tags": Field(Kind.LIST),
    "sentiment": Field(Kind.NUMBER),
    "customer.is_vip": Field(Kind.BOOLEAN),
    "organisation.tier": Field(Kind.CHOICE, choices=("standard", "premium", "enterprise")),
    "previous.status": Field(Kind.CHOICE, choices=("new", "open")),
    "now": Field(Kind.DATETIME),
}
FACTS = {
    "subject": "Refund for order 1234",
    "channel": "email",
    "tags": ["vat", "Invoice"],
    "sentiment": -0.62,
    "customer.is_vip": True,
    "organisation": {"tier": "enterprise", "name": "Northwind"},
    "previous.status": "new",
    "now": datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
}


def check(field: str, op: str, value: object = None) -> bool:
    condition: dict[str, object] = {"field": field, "op": op}
    if value is not None:
        condition["value"] = value
    assert validate(condition, fields=FIELDS) == [], condition
    return evaluate(condition, FACTS)


@pytest.mark.parametrize(
    ("field", "op", "value", "expected"),
    [
        ("channel", "eq", "email", True),
        ("channel", "eq", "EMAIL", True),
        ("channel", "ne", "chat", True),
        ("organisation.tier", "in", ["premium", "enterprise"], True),
        ("organisation.tier", "not_in", ["premium", "enterprise"], False),
        ("sentiment", "lt", -0.5, True),
        ("sentiment", "lte", -0.62, True),
        ("sentiment", "gt", 0, False),
        ("sentiment", "gte", -0.62, True),
        ("subject", "contains", "REFUND", True),
        ("subject", "not_contains", "refund", False),
        ("tags", "contains", "invoice", True),
        ("tags", "not_contains", "urgent", True),
        ("subject", "matches", r"order \d{4}", True),
        ("subject", "matches", r"^order", False),
        ("customer.is_vip", "eq", True, True),
        ("previous.status", "eq", "new", True),
        ("now", "gte", "2026-03-02T09:00:00+00:00", True),
        ("now", "lt", "2026-03-02T09:00:00+00:00", False),
    ],
)
def test_each_operator_compares_as_a_person_would_read_it(field, op, value, expected):
    assert check(field, op, value) is expected


def test_is_set_and_is_not_set_treat_blank_text_and_empty_lists_as_unset():
    facts = {"subject": "  ", "tags": [], "channel": "chat"}
    assert evaluate({"field": "subject", "op": "is_not_set"}, facts)
    assert evaluate({"field": "tags", "op": "is_not_set"}, facts)
    assert evaluate({"field": "channel", "op": "is_set"}, facts)
    assert evaluate({"field": "organisation.tier", "op": "is_not_set"}, facts)


def test_a_missing_fact_matches_only_negative_operators():
    facts: dict[str, object] = {}
    assert not evaluate({"field": "subject", "op": "eq", "value": "x"}, facts)
    assert not evaluate({"field": "subject", "op": "contains", "value": "x"}, facts)
    assert not evaluate({"field": "sentiment", "op": "lt", "value": 0}, facts)
    assert evaluate({"field": "subject", "op": "ne", "value": "x"}, facts)
    assert evaluate({"field": "subject", "op": "not_contains", "value": "x"}, facts)


def test_groups_combine_all_any_and_not():
    condition = {
        "all": [
            {"field": "subject", "op": "contains", "value": "refund"},
            {
                "any": [
                    {"field": "organisation.tier", "op": "in", "value": ["gold", "platinum"]},
                    {"field": "channel", "op": "eq", "value": "email"},
                ]
            },
            {"not": {"field": "tags", "op": "contains", "value": "spam"}},
        ]
    }
    assert evaluate(condition, FACTS)
    assert not evaluate({"any": []}, FACTS)
    assert evaluate({"all": []}, FACTS)


def test_lookup_reads_flat_dotted_keys_and_nested_mappings():
    assert lookup(FACTS, "previous.status") == "new"
    assert lookup(FACTS, "organisation.tier") == "enterprise"
    assert lookup(FACTS, "organisation.missing") is None


def test_calendars_are_asked_through_the_callers_callback():
    asked = []

    def is_open(calendar_id: int, at: datetime) -> bool:
        asked.append((calendar_id, at))
        return at.hour < 17

    inside = {"field": "now", "op": "within_calendar", "value": 7}
    outside = {"field": "now", "op": "outside_calendar", "value": 7}
    assert validate(inside, fields=FIELDS, calendar_ids=lambda i: i == 7) == []
    assert evaluate(inside, FACTS, calendars=is_open)
    assert not evaluate(outside, FACTS, calendars=is_open)
    assert asked == [(7, FACTS["now"])] * 2
    with pytest.raises(LookupError):
        evaluate(inside, FACTS)


def test_validation_names_the_path_of_each_mistake():
    condition = {
        "all": [
            {"field": "subjekt", "op": "contains", "value": "x"},
            {"any": [{"field": "channel", "op": "resembles", "value": "x"}]},
            {"field": "sentiment", "op": "lt", "value": "very"},
            {"field": "channel", "op": "eq", "value": "fax"},
            {"field": "subject", "op": "matches", "value": "(unclosed"},
            {"field": "now", "op": "within_calendar", "value": 99},
            {"field": "tags", "op": "gt", "value": 3},
            {"field": "subject", "op": "is_set", "value": "x"},
            "not an object",
        ]
    }
    errors = {
        e.path: e.message for e in validate(condition, fields=FIELDS, calendar_ids=lambda i: False)
    }

    assert errors["all[0].field"] == "Unknown field 'subjekt'."
    assert errors["all[1].any[0].op"].startswith("Unknown operator 'resembles'")
    assert errors["all[2].value"] == "Expected a number."
    assert "'fax' is not one of email, chat" in errors["all[3].value"]
    assert errors["all[4].value"].startswith("Not a valid regular expression")
    assert errors["all[5].value"] == "There is no calendar 99."
    assert errors["all[6].op"] == "'gt' does not apply to 'tags' (list)."
    assert errors["all[7].value"] == "'is_set' takes no value."
    assert errors["all[8]"].startswith("Expected an object")
    with pytest.raises(InvalidCondition, match="subjekt"):
        ensure_valid(condition, fields=FIELDS)


@pytest.mark.parametrize("pattern", ["(a+)+$", r"(\w*)*x", "(x|y+)+", r"(a)\1", "a" * 201])
def test_patterns_that_could_run_for_ever_are_refused(pattern):
    errors = validate({"field": "subject", "op": "matches", "value": pattern}, fields=FIELDS)
    assert [e.path for e in errors] == ["value"]


def test_conditions_are_bounded_in_depth_and_size():
    deep: dict[str, object] = {"field": "subject", "op": "is_set"}
    for _ in range(10):
        deep = {"not": deep}
    assert any("nest" in e.message for e in validate(deep))
    wide = {"any": [{"field": "subject", "op": "is_set"}] * 101}
    assert any("at most 100" in e.message for e in validate(wide))


def test_describe_reads_a_condition_in_words():
    condition = {
        "all": [
            {"field": "subject", "op": "contains", "value": "refund"},
            {"field": "tags", "op": "is_not_set"},
        ]
    }
    assert describe(condition) == '(subject contains "refund" and tags is not set)'


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text())
leaves = st.fixed_dictionaries(
    {"field": st.sampled_from(sorted(FIELDS)), "op": st.sampled_from(sorted(OPS))}
).flatmap(
    lambda d: st.fixed_dictionaries(
        {**{k: st.just(v) for k, v in d.items()}, "value": scalars | st.lists(scalars, max_size=3)}
    )
)
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.fixed_dictionaries({"all": st.lists(children, max_size=3)}),
        st.fixed_dictionaries({"any": st.lists(children, max_size=3)}),
        st.fixed_dictionaries({"not": children}),
    ),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None)
@given(trees)
def test_any_condition_that_validates_evaluates_without_error(condition):
    if validate(condition, fields=FIELDS, calendar_ids=lambda i: True):
        return
    result = evaluate(condition, FACTS, calendars=lambda i, at: True)
    assert isinstance(result, bool)
    if "not" in condition:
        assert result is not evaluate(condition["not"], FACTS, calendars=lambda i, at: True)
