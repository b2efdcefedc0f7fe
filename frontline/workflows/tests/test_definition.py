import copy

import pytest

from frontline.core.actors import Actor
from frontline.workflows import services
from frontline.workflows.definition import WorkflowInvalid, fill, parse
from frontline.workflows.tests.helpers import ORDER, REFUND, make_integration


def problems(raw):
    with pytest.raises(WorkflowInvalid) as caught:
        services.validate_definition(raw)
    return [str(p) for p in caught.value.problems]


def test_a_valid_definition_parses():
    parsed = parse(REFUND)

    assert parsed.start == "age"
    assert set(parsed.steps) == {"age", "decline", "check", "act"}


@pytest.mark.django_db
def test_a_link_to_a_missing_step_names_its_path():
    raw = copy.deepcopy(REFUND)
    raw["steps"]["age"]["options"][1]["next"] = "x"

    assert problems(raw) == ['steps.age.options[1].next: no step "x"']


@pytest.mark.django_db
def test_shape_errors_name_the_field_not_the_union_member():
    raw = copy.deepcopy(REFUND)
    del raw["steps"]["check"]["text"]
    raw["steps"]["act"]["actions"][0]["priority"] = "asap"
    raw["steps"]["decline"]["kind"] = "poem"

    found = problems(raw)

    assert "steps.check.text: Field required" in found
    assert any(p.startswith("steps.act.actions[0].priority: Input should be") for p in found)
    assert any(p.startswith("steps.decline.kind: kind must be one of instruction") for p in found)


@pytest.mark.django_db
def test_loops_unreachable_steps_and_a_missing_start_are_refused():
    raw = copy.deepcopy(REFUND)
    raw["steps"]["check"]["next"] = "age"
    raw["steps"]["lonely"] = {"kind": "answer", "text": "Nobody gets here"}

    found = problems(raw)

    assert 'steps.check.next: leads back to "age": workflows may not loop' in found
    assert "steps.lonely: no path from the start step reaches it" in found
    assert problems({**REFUND, "start": "nowhere"}) == ['start: no step "nowhere"']


@pytest.mark.django_db
def test_concessions_are_not_offered_yet():
    raw = copy.deepcopy(REFUND)
    raw["steps"]["act"]["actions"].append({"type": "request_concession", "amount": 10})

    assert problems(raw) == [
        "steps.act.actions[2].type: requesting a concession is available once concessions exist"
    ]


@pytest.mark.django_db
def test_what_a_definition_names_must_exist():
    raw = copy.deepcopy(REFUND)
    raw["steps"]["act"]["actions"] = [
        {"type": "apply_macro", "macro": "Nope"},
        {"type": "set_fields", "team": "Nobody"},
    ]

    assert problems(raw) == [
        'steps.act.actions[0].macro: no active macro "Nope"',
        'steps.act.actions[1].team: no team "Nobody"',
    ]
    assert problems(ORDER) == ['steps.find.integration: no integration "shop"']
    make_integration("http://127.0.0.1:9")
    assert services.validate_definition(ORDER).start == "number"


@pytest.mark.django_db
def test_more_than_fifty_steps_are_refused():
    steps = {f"s{i}": {"kind": "instruction", "text": "x", "next": f"s{i + 1}"} for i in range(50)}
    steps["s50"] = {"kind": "answer", "text": "end"}

    assert problems({"start": "s0", "steps": steps}) == ["steps: a workflow has at most 50 steps"]


@pytest.mark.django_db
def test_saving_refuses_an_invalid_definition_and_keeps_the_old_one(admin_user):
    actor = Actor.for_user(admin_user)
    fields = services.WorkflowFields(name="Refund request", definition=REFUND)
    workflow = services.create_workflow(fields=fields, actor=actor)
    broken = {**REFUND, "start": "gone"}

    with pytest.raises(WorkflowInvalid):
        services.update_workflow(
            workflow, fields=services.WorkflowFields(definition=broken), actor=actor
        )

    workflow.refresh_from_db()
    assert workflow.definition == REFUND
    assert workflow.version == 1


def test_placeholders_are_filled_and_encoded_in_urls():
    values = {"answers": {"order": "10 01/x"}, "lookup": {"status": "shipped"}}

    assert (
        fill("{{ answers.order }} is {{lookup.status}}{{ nope }}", values) == "10 01/x is shipped"
    )
    assert fill("/orders/{{ answers.order }}", values, for_url=True) == "/orders/10%2001%2Fx"
