import pytest

from frontline.accounts.models import Role
from frontline.core.actors import Actor
from frontline.core.errors import PermissionDenied, ValidationFailed
from frontline.macros import services
from frontline.macros.models import Macro, MacroUse, Scope
from frontline.macros.queries import macros_visible_to
from frontline.macros.tests.helpers import make_macro
from frontline.testing import factories
from frontline.tickets.models import EventType, TicketEvent


@pytest.fixture
def ticket(team):
    customer = factories.make_customer(name="Carla Customer", email="carla@example.test")
    return factories.make_ticket(customer=customer, team=team, tags=("billing", "needs-info"))


@pytest.fixture
def team_supervisor(team):
    return factories.make_agent(role=Role.SUPERVISOR, teams=(team,), name="Sue Lead")


@pytest.fixture
def head(db):
    return factories.make_agent(role=Role.HEAD_OF_SUPPORT, name="Hana Head")


# ---------- saving and validation ----------


def test_an_unknown_placeholder_is_refused_with_the_valid_ones(agent):
    with pytest.raises(ValidationFailed) as refused:
        make_macro(agent, body="Hi {{ customer.nickname }}")

    assert refused.value.field == "body"
    assert "customer.nickname" in refused.value.message
    assert "{{ customer.first_name }}" in refused.value.message
    assert Macro.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "done"}, "changes.status"),
        ({"priority": "asap"}, "changes.priority"),
        ({"team_id": 999_999}, "changes.team_id"),
        ({"tags": ["ok", "not a/tag!"]}, "changes.tags"),
        ({"assignee_id": 3}, "changes.assignee_id"),
    ],
)
def test_bad_changes_are_refused_on_the_field(agent, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        make_macro(agent, changes=changes)

    assert refused.value.field == field


def test_a_macro_without_text_or_changes_is_refused(agent):
    with pytest.raises(ValidationFailed) as refused:
        make_macro(agent, body="   ")

    assert refused.value.field == "body"


def test_tags_are_normalised_on_save(agent):
    macro = make_macro(agent, changes={"tags": ["Refund Approved", "refund-approved", "VIP"]})

    assert macro.changes == {"tags": ["refund-approved", "vip"]}


# ---------- scopes ----------


def test_any_agent_makes_personal_macros_but_not_shared_or_team_ones(agent, team):
    assert make_macro(agent).owner == agent
    with pytest.raises(PermissionDenied):
        make_macro(agent, scope=Scope.SHARED)
    with pytest.raises(PermissionDenied):
        make_macro(agent, scope=Scope.TEAM, team_id=team.pk)


def test_supervisors_make_macros_for_their_own_team_only(team_supervisor, team, other_team):
    macro = make_macro(team_supervisor, scope=Scope.TEAM, team_id=team.pk)

    assert (macro.team, macro.owner) == (team, None)
    with pytest.raises(PermissionDenied):
        make_macro(team_supervisor, scope=Scope.TEAM, team_id=other_team.pk)
    with pytest.raises(PermissionDenied):
        make_macro(team_supervisor, scope=Scope.SHARED)


def test_heads_of_support_make_shared_macros_by_default(head, agent):
    assert make_macro(head, scope=None).scope == Scope.SHARED
    assert make_macro(agent, scope=None).scope == Scope.PERSONAL


def test_analysts_and_customers_make_no_macros(analyst, customer):
    with pytest.raises(PermissionDenied):
        make_macro(analyst)
    fields = services.MacroFields(name="X", body="Y")
    with pytest.raises(PermissionDenied):
        services.create_macro(fields=fields, actor=Actor.for_customer(customer))


def test_agents_see_their_own_their_teams_and_shared_macros(
    agent, teammate, outsider, team, other_team, team_supervisor, head
):
    mine = make_macro(agent, name="Mine")
    make_macro(teammate, name="Tom's")
    ours = make_macro(team_supervisor, name="Tier 1", scope=Scope.TEAM, team_id=team.pk)
    make_macro(head, name="Billing", scope=Scope.TEAM, team_id=other_team.pk)
    shared = make_macro(head, name="Everyone", scope=Scope.SHARED)

    visible = set(macros_visible_to(Actor.for_user(agent)))

    assert visible == {mine, ours, shared}
    assert ours not in set(macros_visible_to(Actor.for_user(outsider)))


def test_only_the_owner_changes_a_personal_macro(agent, teammate):
    macro = make_macro(agent)

    with pytest.raises(PermissionDenied):
        services.update_macro(
            macro, fields=services.MacroFields(name="Taken"), actor=Actor.for_user(teammate)
        )
    with pytest.raises(PermissionDenied):
        services.delete_macro(macro, actor=Actor.for_user(teammate))
    renamed = services.MacroFields(name="Mine")
    services.update_macro(macro, fields=renamed, actor=Actor.for_user(agent))
    macro.refresh_from_db()
    assert macro.name == "Mine"


def test_the_list_is_most_used_first(agent, ticket):
    rare = make_macro(agent, name="A rare one")
    common = make_macro(agent, name="B common one")
    services.apply_macro(ticket, common, actor=Actor.for_user(agent))

    assert list(macros_visible_to(Actor.for_user(agent))) == [common, rare]


# ---------- applying ----------


def test_applying_writes_the_reply_makes_the_changes_and_counts_the_use(agent, ticket, other_team):
    macro = make_macro(
        agent,
        body="Hi {{ customer.first_name }}, refund on {{ ticket.reference }}. {{ agent.name }}",
        changes={
            "status": "solved",
            "priority": "high",
            "team_id": other_team.pk,
            "tags": ["refund"],
            "remove_tags": ["needs-info"],
        },
    )

    applied = services.apply_macro(ticket, macro, actor=Actor.for_user(agent))

    ticket.refresh_from_db()
    macro.refresh_from_db()
    assert applied.message is not None
    assert applied.message.body_text == (f"Hi Carla, refund on #{ticket.number}. Alice Agent")
    assert (ticket.status, ticket.priority, ticket.team) == ("solved", "high", other_team)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["billing", "refund"]
    assert macro.usage_count == 1
    assert macro.last_used_at is not None
    assert MacroUse.objects.get().user == agent
    event = TicketEvent.objects.get(ticket=ticket, type=EventType.MACRO_APPLIED)
    assert event.data["summary"] == "applied macro 'Refund approved'"
    assert event.data["macro_id"] == macro.pk


def test_a_macro_with_changes_only_writes_no_message(agent, ticket):
    macro = make_macro(agent, body="", changes={"priority": "urgent"})
    messages = ticket.message_count

    applied = services.apply_macro(ticket, macro, actor=Actor.for_user(agent))

    ticket.refresh_from_db()
    assert applied.message is None
    assert (ticket.priority, ticket.message_count) == ("urgent", messages)


def test_the_system_applies_any_macro_signing_as_the_team(agent, ticket):
    macro = make_macro(agent, body="Thanks, {{ agent.first_name }}")

    applied = services.apply_macro(ticket, macro, actor=Actor.system())

    assert applied.message is not None
    assert applied.message.body_text == "Thanks, the team"


def test_an_agent_cannot_apply_someone_elses_personal_macro(agent, teammate, ticket):
    macro = make_macro(teammate)

    with pytest.raises(PermissionDenied):
        services.apply_macro(ticket, macro, actor=Actor.for_user(agent))
    macro.refresh_from_db()
    assert macro.usage_count == 0


def test_an_agent_cannot_apply_a_macro_to_a_ticket_they_cannot_work(outsider, ticket):
    macro = make_macro(outsider, changes={"priority": "urgent"})

    with pytest.raises(PermissionDenied):
        services.apply_macro(ticket, macro, actor=Actor.for_user(outsider))
    ticket.refresh_from_db()
    assert ticket.priority == "normal"
    assert MacroUse.objects.count() == 0


def test_keep_status_leaves_the_status_to_the_agent(agent, ticket):
    macro = make_macro(agent, body="", changes={"status": "solved", "tags": ["done"]})

    services.apply_macro_changes(ticket, macro, actor=Actor.for_user(agent), keep_status=True)

    ticket.refresh_from_db()
    assert ticket.status != "solved"
    assert "done" in set(ticket.tags.values_list("name", flat=True))
