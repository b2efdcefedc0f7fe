"""Test data factories. Tests build what they need here, never with ``objects.create``."""

from collections.abc import Mapping, Sequence
from itertools import count

from frontline.accounts.models import Role, Skill, Team, User
from frontline.accounts.services import add_to_team, create_staff_user, issue_token
from frontline.automation import services as automation_services
from frontline.automation.models import TimeRule, Trigger
from frontline.core.actors import Actor
from frontline.customers.models import Customer, Organisation, Tier
from frontline.customers.services import create_customer, create_organisation, create_portal_login
from frontline.sla import services as sla_services
from frontline.sla.models import Calendar, SlaPolicy, office_hours
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Category, Channel, CustomField, FieldType, Priority, Ticket

_seq = count(1)


def _n() -> int:
    return next(_seq)


def make_team(*, name: str | None = None, tier: int = 1) -> Team:
    n = _n()
    name = name or f"Team {n}"
    return Team.objects.create(name=name, slug=f"team-{n}", tier=tier)


def make_agent(
    *,
    role: Role = Role.ASSOCIATE,
    teams: tuple[Team, ...] = (),
    email: str | None = None,
    name: str | None = None,
    password: str | None = "correct horse battery",
) -> User:
    n = _n()
    return create_staff_user(
        email=email or f"agent{n}@frontline.test",
        name=name or f"Agent {n}",
        role=role,
        password=password,
        teams=teams,
    )


def make_organisation(
    *,
    name: str | None = None,
    tier: Tier = Tier.STANDARD,
    domains: tuple[str, ...] = (),
    shared_tickets: bool = False,
    account_manager: User | None = None,
) -> Organisation:
    return create_organisation(
        name=name or f"Organisation {_n()}",
        tier=tier,
        domains=domains,
        shared_tickets=shared_tickets,
        account_manager=account_manager,
    )


def make_customer(
    *,
    name: str | None = None,
    email: str | None = None,
    organisation: Organisation | None = None,
    with_login: bool = False,
    is_vip: bool = False,
) -> Customer:
    n = _n()
    customer = create_customer(
        name=name or f"Customer {n}",
        email=email or f"customer{n}@example.test",
        organisation=organisation,
        is_vip=is_vip,
    )
    if with_login:
        create_portal_login(customer, password="correct horse battery")
    return customer


def make_ticket(
    *,
    customer: Customer | None = None,
    team: Team | None = None,
    subject: str = "Cannot sign in",
    body: str = "The sign-in page says my password is wrong.",
    priority: Priority = Priority.NORMAL,
    channel: Channel = Channel.EMAIL,
    tags: tuple[str, ...] = (),
) -> Ticket:
    return ticket_services.open_ticket(
        customer=customer or make_customer(),
        subject=subject,
        body=body,
        actor=Actor.system(),
        channel=channel,
        priority=priority,
        team=team,
        tags=tags,
    )


def make_category(*, name: str | None = None) -> Category:
    n = _n()
    return Category.objects.create(name=name or f"Category {n}", slug=f"category-{n}")


def make_custom_field(
    *,
    key: str | None = None,
    field_type: FieldType = FieldType.TEXT,
    choices: list[str] | None = None,
    required_to_solve: bool = False,
) -> CustomField:
    n = _n()
    return CustomField.objects.create(
        key=key or f"field_{n}",
        label=f"Field {n}",
        field_type=field_type,
        choices=choices or [],
        is_required_to_solve=required_to_solve,
    )


def make_skill(*, name: str | None = None) -> Skill:
    n = _n()
    return Skill.objects.create(name=name or f"Skill {n}", slug=f"skill-{n}")


def make_calendar(
    *,
    name: str | None = None,
    time_zone: str = "Europe/Berlin",
    weekly_hours: dict[str, list[list[str]]] | None = None,
    holiday_country: str = "",
    holiday_subdivision: str = "",
    special_days: list[dict[str, object]] | None = None,
    is_default: bool = False,
) -> Calendar:
    """A business calendar; Monday to Friday 09:00 to 17:00 unless told otherwise."""
    fields = sla_services.CalendarFields(
        name=name or f"Calendar {_n()}",
        time_zone=time_zone,
        weekly_hours=weekly_hours or office_hours(),
        holiday_country=holiday_country,
        holiday_subdivision=holiday_subdivision,
        special_days=special_days or [],
        is_default=is_default or None,
    )
    return sla_services.create_calendar(fields=fields, actor=Actor.system())


def make_sla_policy(
    *,
    goals: tuple[tuple[str, str, int], ...],
    calendar: Calendar | None = None,
    name: str | None = None,
    position: int = 0,
    business_hours: bool = True,
    **fields: object,
) -> SlaPolicy:
    """A policy tried before the shipped ones; ``goals`` are (target, priority, minutes)."""
    policy_fields = sla_services.PolicyFields(
        name=name or f"Policy {_n()}",
        position=position,
        calendar_id=calendar.pk if calendar else None,
        goals=[
            sla_services.GoalFields(
                target=target, priority=priority, minutes=minutes, business_hours=business_hours
            )
            for target, priority, minutes in goals
        ],
        **fields,  # type: ignore[arg-type]
    )
    return sla_services.create_policy(fields=policy_fields, actor=Actor.system())


def make_time_rule(
    *,
    statuses: tuple[str, ...],
    amount: int,
    unit: str = "days",
    actions: Sequence[Mapping[str, object]],
    name: str | None = None,
    **fields: object,
) -> TimeRule:
    """A time-based automation rule, e.g. solved for 4 days: close."""
    rule_fields = automation_services.RuleFields(
        name=name or f"Rule {_n()}",
        statuses=list(statuses),
        amount=amount,
        unit=unit,
        actions=[dict(action) for action in actions],
        **fields,  # type: ignore[arg-type]
    )
    return automation_services.create_rule(fields=rule_fields, actor=Actor.system())


def token_for(user: User) -> str:
    return issue_token(user, name="test").secret


__all__ = [
    "add_to_team",
    "make_agent",
    "make_calendar",
    "make_category",
    "make_custom_field",
    "make_customer",
    "make_organisation",
    "make_skill",
    "make_sla_policy",
    "make_team",
    "make_ticket",
    "make_time_rule",
    "token_for",
]


def make_trigger(
    *,
    events: Sequence[str],
    actions: Sequence[Mapping[str, object]],
    conditions: Mapping[str, object] | None = None,
    name: str | None = None,
    **fields: object,
) -> Trigger:
    """An event trigger, e.g. on created when the customer is a VIP: priority high."""
    from frontline.automation import triggers

    trigger_fields = triggers.TriggerFields(
        name=name or f"Trigger {_n()}",
        events=list(events),
        conditions=dict(conditions) if conditions is not None else None,
        actions=[dict(action) for action in actions],
        **fields,  # type: ignore[arg-type]
    )
    return triggers.create_trigger(fields=trigger_fields, actor=Actor.system())
