"""Everything tickets refer to: sites, teams, staff, skills, organisations, customers,
categories, tags and custom fields, written in bulk and kept in memory for the ticket
generator."""

import random
import unicodedata
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Model

from frontline.accounts.models import AgentSkill, Role, Site, Skill, Team, TeamMembership, User
from frontline.accounts.permissions import READ_ONLY, SEES_ALL_TICKETS
from frontline.customers.models import (
    Customer,
    Identity,
    IdentityKind,
    Organisation,
    OrganisationDomain,
    Tier,
)
from frontline.demo import cast, texts
from frontline.demo.rows import StaffAccess
from frontline.demo.writer import BulkWriter
from frontline.tickets.models import Category, CustomField, Tag

_TICKET_WEIGHT = {Tier.ENTERPRISE: 1.3, Tier.PREMIUM: 1.15, Tier.STANDARD: 1.0, None: 0.7}
_VIP_CHANCE = {Tier.ENTERPRISE: 0.12, Tier.PREMIUM: 0.04, Tier.STANDARD: 0.01, None: 0.02}
_CONTACTS = {Tier.ENTERPRISE: 5.0, Tier.PREMIUM: 2.5, Tier.STANDARD: 1.2}
USER_FIELDS = (
    "id", "password", "is_superuser", "email", "name", "role", "time_zone", "site", "is_active",
    "is_staff", "date_joined",
)  # fmt: skip
_JOB_TITLES = ("Owner", "Manager", "Store manager", "Accountant", "Operations lead", "Staff")


@dataclass(slots=True, eq=False)
class Agent:
    id: int
    name: str
    email: str
    role: Role
    zone: ZoneInfo
    teams: tuple[int, ...]

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


@dataclass(slots=True, eq=False)
class TeamInfo:
    id: int
    slug: str
    name: str
    members: list[Agent] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Person:
    id: int
    name: str
    email: str
    organisation_id: int | None
    company: str
    tier: Tier | None
    region: cast.Region
    zone: ZoneInfo
    is_vip: bool
    weight: float

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


@dataclass(slots=True, eq=False)
class CategoryInfo:
    id: int
    texts: texts.CategoryTexts
    team: TeamInfo


@dataclass(eq=False)
class World:
    end: datetime
    teams: dict[str, TeamInfo]
    agents: list[Agent]
    access: dict[int, StaffAccess]
    customers: list[Person]
    categories: list[CategoryInfo]
    tag_ids: dict[str, int]
    portal_customer: Person | None = None
    _customer_cumulative: list[float] = field(default_factory=list)
    _category_cumulative: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._customer_cumulative = list(accumulate(p.weight for p in self.customers))
        self._category_cumulative = list(accumulate(c.texts.weight for c in self.categories))

    def pick_customer(self, rng: random.Random) -> Person:
        total = self._customer_cumulative[-1]
        return self.customers[bisect(self._customer_cumulative, rng.random() * total)]

    def pick_category(self, rng: random.Random) -> CategoryInfo:
        total = self._category_cumulative[-1]
        return self.categories[bisect(self._category_cumulative, rng.random() * total)]

    def category(self, slug: str) -> CategoryInfo:
        return next(c for c in self.categories if c.texts.slug == slug)

    def pick_agent(self, rng: random.Random, team: TeamInfo, at: datetime | None = None) -> Agent:
        """A member of the team, preferring people whose working day it is at ``at``."""
        weights = team.weights
        if at is not None:
            weights = [
                w * (1.0 if _on_shift(a, at) else 0.04)
                for a, w in zip(team.members, weights, strict=True)
            ]
        return rng.choices(team.members, weights)[0]

    def lead_of(self, team: TeamInfo) -> Agent:
        return next(a for a in team.members if a.role == Role.SUPERVISOR)


def _on_shift(agent: Agent, at: datetime) -> bool:
    local = at.astimezone(agent.zone)
    return local.weekday() < 5 and 8 <= local.hour < 18


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _ensure(
    writer: BulkWriter,
    model: type[Model],
    key: str,
    rows: Sequence[tuple[Any, ...]],
    fields: tuple[str, ...],
) -> dict[str, int]:
    """Ids by ``key`` of rows that exist already or are inserted now (``fields[0]`` is the
    id, ``fields[1]`` the key)."""
    pairs = model._default_manager.values_list(key, "pk")
    existing = {str(row[0]): int(row[1]) for row in pairs}
    missing = [row for row in rows if str(row[1]) not in existing]
    first = writer.allocate_ids(model, len(missing))
    numbered = [(first + i, *row[1:]) for i, row in enumerate(missing)]
    writer.insert(model, fields, numbered)
    return existing | {str(row[1]): int(row[0]) for row in numbered}


def build_world(
    writer: BulkWriter,
    rng: random.Random,
    *,
    end: datetime,
    days: int,
    customers: int,
    organisations: int,
    password_hash: str,
) -> World:
    start = end - timedelta(days=days)
    sites = _ensure(
        writer, Site, "name", [(0, s.name, s.time_zone, s.country) for s in cast.SITES],
        ("id", "name", "time_zone", "country"),
    )  # fmt: skip
    teams = _teams(writer, rng, start)
    agents, access = _staff(writer, rng, start, sites, teams, password_hash)
    _skills(writer, rng, agents)
    orgs = _organisations(writer, rng, start, organisations, agents, access)
    people = _customers(writer, rng, start, customers, orgs, password_hash)
    categories, tag_ids = _catalogue(writer, teams)
    portal = next((p for p in people if p.email == cast.PORTAL_CUSTOMER_EMAIL), None)
    return World(end, teams, agents, access, people, categories, tag_ids, portal)


def _teams(writer: BulkWriter, rng: random.Random, start: datetime) -> dict[str, TeamInfo]:
    rows = []
    for spec in cast.TEAMS:
        created = start - timedelta(days=rng.uniform(400, 1200))
        rows.append(
            (0, spec.slug, spec.name, spec.tier, spec.description, spec.email, created, created)
        )
    fields = ("id", "slug", "name", "tier", "description", "email", "created_at", "updated_at")
    ids = _ensure(writer, Team, "slug", rows, fields)
    return {s.slug: TeamInfo(ids[s.slug], s.slug, s.name) for s in cast.TEAMS}


def _staff(
    writer: BulkWriter,
    rng: random.Random,
    start: datetime,
    sites: dict[str, int],
    teams: dict[str, TeamInfo],
    password_hash: str,
) -> tuple[list[Agent], dict[int, StaffAccess]]:
    first = writer.allocate_ids(User, len(cast.STAFF))
    users, memberships, agents = [], [], []
    access: dict[int, StaffAccess] = {}
    for offset, spec in enumerate(cast.STAFF):
        pk = first + offset
        zone = next(s.time_zone for s in cast.SITES if s.name == spec.site)
        joined = start - timedelta(days=rng.uniform(30, 1100))
        is_admin = spec.role == Role.ADMIN
        users.append(
            (
                pk,
                password_hash,
                is_admin,
                spec.email,
                spec.name,
                spec.role.value,
                zone,
                sites[spec.site],
                True,
                is_admin or spec.role == Role.HEAD_OF_SUPPORT,
                joined,
            )
        )
        team_ids = tuple(teams[slug].id for slug in spec.teams)
        agent = Agent(pk, spec.name, spec.email, spec.role, ZoneInfo(zone), team_ids)
        agents.append(agent)
        for slug in spec.teams:
            memberships.append((pk, teams[slug].id, slug in spec.leads, joined))
            teams[slug].members.append(agent)
            teams[slug].weights.append(cast.ROLE_WEIGHT.get(spec.role, 0.0))
        access[pk] = StaffAccess(
            teams=frozenset(team_ids),
            sees_all=spec.role in SEES_ALL_TICKETS or is_admin,
            can_write=spec.role not in READ_ONLY,
        )
    writer.insert(User, USER_FIELDS, users)
    writer.insert(TeamMembership, ("user", "team", "is_lead", "joined_at"), memberships)
    return agents, access


def _skills(writer: BulkWriter, rng: random.Random, agents: list[Agent]) -> None:
    rows = [(0, slug, name, "") for name, slug in cast.SKILLS]
    ids = _ensure(writer, Skill, "slug", rows, ("id", "slug", "name", "description"))
    agent_skills = []
    for agent, spec in zip(agents, cast.STAFF, strict=True):
        for index, slug in enumerate(spec.skills):
            level = rng.randint(4, 5) if index == 0 else rng.randint(1, 5)
            agent_skills.append((agent.id, ids[slug], level))
    writer.insert(AgentSkill, ("user", "skill", "proficiency"), agent_skills)


@dataclass(slots=True)
class _Org:
    id: int
    spec: cast.OrganisationSpec
    created_at: datetime


def _organisation_specs(rng: random.Random, count: int) -> list[cast.OrganisationSpec]:
    """The named organisations, then made-up merchants for loads larger than the demo."""
    specs = list(cast.ORGANISATIONS[:count])
    regions, tiers = list(cast.REGIONS), (Tier.STANDARD, Tier.PREMIUM, Tier.ENTERPRISE)
    for n in range(len(specs) + 1, count + 1):
        tier = rng.choices(tiers, (70, 22, 8))[0]
        specs.append(
            cast.OrganisationSpec(
                f"Merchant {n:05d}", f"merchant{n:05d}.example", tier, rng.choice(regions),
                "Retail", tier != Tier.STANDARD and rng.random() < 0.4,
            )
        )  # fmt: skip
    return specs


def _organisations(
    writer: BulkWriter,
    rng: random.Random,
    start: datetime,
    count: int,
    agents: list[Agent],
    access: dict[int, StaffAccess],
) -> list[_Org]:
    managers = [a for a in agents if a.role == Role.ACCOUNT_MANAGER]
    specs = _organisation_specs(rng, count)
    first = writer.allocate_ids(Organisation, len(specs))
    orgs, rows, managed = [], [], {m.id: set[int]() for m in managers}
    for offset, spec in enumerate(specs):
        org = _Org(first + offset, spec, start - timedelta(days=rng.uniform(200, 1500)))
        manager = managers[offset % len(managers)] if spec.tier == Tier.ENTERPRISE else None
        if manager is not None:
            managed[manager.id].add(org.id)
        attributes = {
            "industry": spec.industry,
            "locations": rng.randint(1, 4 if spec.tier == Tier.STANDARD else 40),
            "merchant_id": f"M-{10000 + offset}",
        }
        notes = "Quarterly business review with the account manager." if manager else ""
        rows.append(
            (
                org.id,
                spec.name,
                spec.tier.value,
                manager.id if manager else None,
                spec.shared_tickets,
                notes,
                attributes,
                org.created_at,
                org.created_at,
            )
        )
        orgs.append(org)
    fields = (
        "id",
        "name",
        "tier",
        "account_manager",
        "shared_tickets",
        "notes",
        "custom_attributes",
        "created_at",
        "updated_at",
    )
    writer.insert(Organisation, fields, rows)
    writer.insert(
        OrganisationDomain, ("organisation", "domain"), ((o.id, o.spec.domain) for o in orgs)
    )
    for manager_id, org_ids in managed.items():
        current = access[manager_id]
        access[manager_id] = StaffAccess(
            current.teams, frozenset(org_ids), current.sees_all, current.can_write
        )
    return orgs


class _Addresses:
    """Unique email addresses and phone numbers for made-up people."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.emails: set[str] = {cast.PORTAL_CUSTOMER_EMAIL}
        self.phones: set[str] = set()

    def email(self, first: str, last: str, domain: str) -> str:
        local = f"{ascii_slug(first)}.{ascii_slug(last)}"
        candidate = f"{local}@{domain}"
        while candidate in self.emails:
            candidate = f"{local}{self.rng.randint(2, 9999)}@{domain}"
        self.emails.add(candidate)
        return candidate

    def phone(self, prefix: str) -> str:
        number = f"{prefix}{self.rng.randint(200_000_000, 999_999_999)}"
        while number in self.phones:
            number = f"{prefix}{self.rng.randint(200_000_000, 999_999_999)}"
        self.phones.add(number)
        return number


def _customers(
    writer: BulkWriter,
    rng: random.Random,
    start: datetime,
    count: int,
    orgs: list[_Org],
    password_hash: str,
) -> list[Person]:
    addresses = _Addresses(rng)
    homes = _homes(rng, count, orgs)
    first = writer.allocate_ids(Customer, len(homes))
    people, rows, identities = [], [], []
    for offset, org in enumerate(homes):
        person, created = _person(rng, first + offset, org, start, addresses)
        if offset == 0 and org is not None and org.spec.name == cast.PORTAL_CUSTOMER_ORGANISATION:
            person.name, person.email = cast.PORTAL_CUSTOMER_NAME, cast.PORTAL_CUSTOMER_EMAIL
            person.weight = 2.0
        people.append(person)
        title = rng.choice(_JOB_TITLES) if org else ""
        attributes = {"job_title": title} if title else {}
        rows.append(
            [
                person.id,
                person.name,
                person.organisation_id,
                rng.choice(person.region.languages),
                str(person.zone),
                person.is_vip,
                attributes,
                None,
                created,
                created,
            ]
        )
        identities.append((person.id, IdentityKind.EMAIL.value, person.email, True, created))
        if rng.random() < 0.2:
            phone = addresses.phone(person.region.phone_prefix)
            identities.append((person.id, IdentityKind.PHONE.value, phone, True, created))
        if rng.random() < 0.05:
            visitor = f"visitor-{rng.getrandbits(48):012x}"
            identities.append((person.id, IdentityKind.CHAT.value, visitor, True, created))
    if people and people[0].email == cast.PORTAL_CUSTOMER_EMAIL:
        rows[0][7] = _portal_login(writer, people[0], password_hash, start)
    fields = (
        "id",
        "name",
        "organisation",
        "language",
        "time_zone",
        "is_vip",
        "custom_attributes",
        "user",
        "created_at",
        "updated_at",
    )
    writer.insert(Customer, fields, rows)
    identity_fields = ("customer", "kind", "value", "is_primary", "created_at")
    writer.insert(Identity, identity_fields, identities)
    return people


def _homes(rng: random.Random, count: int, orgs: list[_Org]) -> list[_Org | None]:
    """Which organisation each customer belongs to (None: a consumer). Every organisation
    has at least one contact; larger tiers have more."""
    in_orgs = max(len(orgs), round(count * 0.75)) if orgs else 0
    weights = [_CONTACTS[o.spec.tier] * rng.uniform(0.6, 1.4) for o in orgs]
    homes: list[_Org | None] = list(orgs[:in_orgs])
    homes += rng.choices(orgs, weights, k=in_orgs - len(homes)) if orgs else []
    homes += [None] * (count - len(homes))
    portal_org = next((o for o in orgs if o.spec.name == cast.PORTAL_CUSTOMER_ORGANISATION), None)
    if portal_org is not None:
        index = homes.index(portal_org)
        homes[0], homes[index] = homes[index], homes[0]
    return homes


def _person(
    rng: random.Random, pk: int, org: _Org | None, start: datetime, addresses: _Addresses
) -> tuple[Person, datetime]:
    if org is None:
        region_key = rng.choices(*zip(*cast.CONSUMER_REGIONS, strict=True))[0]
    else:
        region_key = org.spec.region
    region = cast.REGIONS[region_key]
    first, last = rng.choice(region.first_names), rng.choice(region.last_names)
    name = f"{first} {last}"
    domain = org.spec.domain if org else rng.choice(cast.CONSUMER_DOMAINS)
    tier = org.spec.tier if org else None
    email = addresses.email(first, last, domain)
    since = org.created_at if org else start - timedelta(days=900)
    created = since + (start - since) * rng.random()
    weight = _TICKET_WEIGHT[tier] * min(rng.paretovariate(2.5), 8.0)
    is_vip = rng.random() < _VIP_CHANCE[tier]
    zone = ZoneInfo(rng.choice(region.time_zones))
    company = org.spec.name if org else name
    person = Person(
        pk, name, email, org.id if org else None, company, tier, region, zone, is_vip, weight
    )
    return person, created


def _portal_login(writer: BulkWriter, person: Person, password_hash: str, start: datetime) -> int:
    """A customer login, as ``create_portal_login`` makes it; returns the user id."""
    user_id = writer.allocate_ids(User, 1)
    joined = start - timedelta(days=200)
    user = (
        user_id,
        password_hash,
        False,
        person.email,
        person.name,
        Role.CUSTOMER.value,
        str(person.zone),
        None,
        True,
        False,
        joined,
    )
    writer.insert(User, USER_FIELDS, [user])
    return user_id


def _catalogue(
    writer: BulkWriter, teams: dict[str, TeamInfo]
) -> tuple[list[CategoryInfo], dict[str, int]]:
    rows = [(0, c.slug, c.name, "", True) for c in texts.CATEGORIES]
    ids = _ensure(
        writer, Category, "slug", rows, ("id", "slug", "name", "description", "is_active")
    )
    categories = [CategoryInfo(ids[c.slug], c, teams[c.team]) for c in texts.CATEGORIES]
    names = sorted({t for c in texts.CATEGORIES for t in c.tags} | {"vip", "reopened", "duplicate"})
    tag_ids = _ensure(writer, Tag, "name", [(0, n) for n in names], ("id", "name"))
    fields = [
        (0, key, label, kind, list(choices), False, True)
        for key, label, kind, choices in texts.CUSTOM_FIELDS
    ]
    _ensure(
        writer,
        CustomField,
        "key",
        fields,
        ("id", "key", "label", "field_type", "choices", "is_required_to_solve", "is_active"),
    )
    return categories, tag_ids
