"""Test data factories. Tests build what they need here, never with ``objects.create``."""

from itertools import count

from frontline.accounts.models import Role, Skill, Team, User
from frontline.accounts.services import add_to_team, create_staff_user, issue_token
from frontline.core.actors import Actor
from frontline.customers.models import Customer, Organisation, Tier
from frontline.customers.services import create_customer, create_organisation, create_portal_login
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


def token_for(user: User) -> str:
    return issue_token(user, name="test").secret


__all__ = [
    "add_to_team",
    "make_agent",
    "make_category",
    "make_custom_field",
    "make_customer",
    "make_organisation",
    "make_skill",
    "make_team",
    "make_ticket",
    "token_for",
]
