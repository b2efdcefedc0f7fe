"""Every change to customers, their identities and organisations."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from frontline.accounts.models import Role, User
from frontline.core.actors import Actor
from frontline.core.dispatch import dispatch
from frontline.core.errors import Conflict, InvalidMerge, ValidationFailed
from frontline.customers.freemail import is_free_mail_domain
from frontline.customers.models import (
    Customer,
    Identity,
    IdentityKind,
    Organisation,
    OrganisationDomain,
    Tier,
)


def normalise_identity(kind: IdentityKind, value: str) -> str:
    """The stored form of an address: what makes two spellings the same person."""
    value = value.strip()
    if kind == IdentityKind.EMAIL:
        value = value.lower()
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationFailed(f"{value!r} is not an email address.", field="email") from None
    elif kind == IdentityKind.PHONE:
        digits = "".join(ch for ch in value if ch.isdigit())
        if len(digits) < 5:
            raise ValidationFailed(f"{value!r} is not a phone number.", field="phone")
        value = ("+" if value.startswith("+") else "") + digits
    elif not value:
        raise ValidationFailed("The identity is empty.", field="value")
    return value[:320]


def organisation_for_email(email: str) -> Organisation | None:
    domain = email.rpartition("@")[2].lower()
    if is_free_mail_domain(domain):  # attached before free-mail domains were refused
        return None
    match = OrganisationDomain.objects.select_related("organisation").filter(domain=domain).first()
    return match.organisation if match else None


@dataclass(frozen=True)
class CustomerFields:
    """Fields to set; None leaves one alone (``clear_organisation`` removes it)."""

    name: str | None = None
    organisation: Organisation | None = None
    clear_organisation: bool = False
    language: str | None = None
    time_zone: str | None = None
    is_vip: bool | None = None
    custom_attributes: dict[str, Any] | None = None


@transaction.atomic
def create_customer(
    *,
    name: str,
    email: str | None = None,
    organisation: Organisation | None = None,
    language: str = "en",
    time_zone: str = "UTC",
    is_vip: bool = False,
    custom_attributes: dict[str, Any] | None = None,
) -> Customer:
    address = normalise_identity(IdentityKind.EMAIL, email) if email else None
    if address and Identity.objects.filter(kind=IdentityKind.EMAIL, value=address).exists():
        raise Conflict(f"A customer with the address {address} exists.", field="email")
    if organisation is None and address:
        organisation = organisation_for_email(address)
    customer = Customer(
        name=(name.strip() or (address or "Customer"))[:200],
        organisation=organisation,
        language=language,
        time_zone=time_zone,
        is_vip=is_vip,
        custom_attributes=custom_attributes or {},
    )
    _validate(customer)
    customer.save()
    if address:
        Identity.objects.create(
            customer=customer, kind=IdentityKind.EMAIL, value=address, is_primary=True
        )
    return customer


def find_customer(kind: IdentityKind, value: str) -> Customer | None:
    identity = (
        Identity.objects.select_related("customer")
        .filter(kind=kind, value=normalise_identity(kind, value))
        .first()
    )
    if identity is None:
        return None
    return _surviving(identity.customer)


def get_or_create_customer_by_email(email: str, *, name: str = "") -> Customer:
    """The customer behind an address, created (with organisation by domain) when new."""
    existing = find_customer(IdentityKind.EMAIL, email)
    if existing is not None:
        return existing
    fallback = email.partition("@")[0]
    try:
        with transaction.atomic():
            return create_customer(name=name or fallback, email=email)
    except (Conflict, IntegrityError):
        # Another request created the same address between our look-up and insert.
        found = find_customer(IdentityKind.EMAIL, email)
        if found is None:
            raise
        return found


def get_or_create_customers_by_email(people: Sequence[tuple[str, str]]) -> dict[str, Customer]:
    """``get_or_create_customer_by_email`` for many (address, name) pairs, keyed by the
    stored form of the address: one look-up, then one read of organisations by domain and
    one insert each of customers and identities for those who are new."""
    wanted: dict[str, tuple[str, str]] = {}
    for address, name in people:
        wanted.setdefault(normalise_identity(IdentityKind.EMAIL, address), (address, name))
    identities = Identity.objects.select_related("customer").filter(
        kind=IdentityKind.EMAIL, value__in=wanted
    )
    found = {identity.value: _surviving(identity.customer) for identity in identities}
    new = [address for address in wanted if address not in found]
    if new:
        found.update(zip(new, _create_customers(new, wanted), strict=True))
    return found


@transaction.atomic
def _create_customers(new: list[str], given: dict[str, tuple[str, str]]) -> list[Customer]:
    domains = {address.rpartition("@")[2] for address in new}
    domains = {domain for domain in domains if not is_free_mail_domain(domain)}
    organisations = {
        match.domain: match.organisation
        for match in OrganisationDomain.objects.select_related("organisation").filter(
            domain__in=domains
        )
    }
    customers = []
    for address in new:
        raw, name = given[address]
        customer = Customer(
            name=((name or raw.partition("@")[0]).strip() or address)[:200],
            organisation=organisations.get(address.rpartition("@")[2]),
            custom_attributes={},
        )
        _validate(customer)
        customers.append(customer)
    Customer.objects.bulk_create(customers)
    Identity.objects.bulk_create(
        Identity(customer=customer, kind=IdentityKind.EMAIL, value=address, is_primary=True)
        for customer, address in zip(customers, new, strict=True)
    )
    return customers


@transaction.atomic
def update_customer(customer: Customer, *, fields: CustomerFields) -> Customer:
    changed: list[str] = []
    for name in ("name", "organisation", "language", "time_zone", "is_vip", "custom_attributes"):
        value = getattr(fields, name)
        if value is not None and getattr(customer, name) != value:
            setattr(customer, name, value)
            changed.append(name)
    if fields.clear_organisation and customer.organisation_id is not None:
        customer.organisation = None
        changed.append("organisation")
    if changed:
        _validate(customer)
        customer.save(update_fields=[*changed, "updated_at"])
    if "name" in changed:
        dispatch("customer.changed", customer=customer)
    return customer


@transaction.atomic
def add_identity(customer: Customer, *, kind: IdentityKind, value: str) -> Identity:
    normalised = normalise_identity(kind, value)
    owner = Identity.objects.filter(kind=kind, value=normalised).first()
    if owner is not None:
        if owner.customer_id == customer.pk:
            return owner
        raise Conflict(
            f"{normalised} belongs to another customer; merge them instead.", field="value"
        )
    has_primary = customer.identities.filter(kind=kind, is_primary=True).exists()
    identity = Identity.objects.create(
        customer=customer, kind=kind, value=normalised, is_primary=not has_primary
    )
    dispatch("customer.changed", customer=customer)
    return identity


def flag_identity(kind: IdentityKind, value: str) -> bool:
    """Mark a known address as undeliverable (it bounced, or its owner complained);
    returns whether one was flagged."""
    try:
        normalised = normalise_identity(kind, value)
    except ValidationFailed:
        return False
    return Identity.objects.filter(kind=kind, value=normalised).update(is_flagged=True) > 0


@transaction.atomic
def remove_identity(identity: Identity) -> None:
    customer = identity.customer
    identity.delete()
    dispatch("customer.changed", customer=customer)


@transaction.atomic
def merge_customers(source: Customer, *, into: Customer, actor: Actor) -> Customer:
    """Fold ``source`` into ``into``: identities, tickets and portal login move; nothing is lost."""
    source = Customer.objects.select_for_update().get(pk=source.pk)
    into = Customer.objects.select_for_update().get(pk=into.pk)
    if source.pk == into.pk:
        raise InvalidMerge("A customer cannot be merged into itself.", field="into")
    if source.is_merged or into.is_merged:
        raise InvalidMerge("One of these customers was already merged.", field="into")
    source.identities.update(customer=into, is_primary=False)
    if into.user_id is None and source.user_id is not None:
        into.user_id, source.user_id = source.user_id, None
        source.save(update_fields=["user"])
        into.save(update_fields=["user"])
    merged_attributes = {**source.custom_attributes, **into.custom_attributes}
    Customer.objects.filter(pk=into.pk).update(
        custom_attributes=merged_attributes,
        is_vip=into.is_vip or source.is_vip,
        organisation=into.organisation_id or source.organisation_id,
    )
    Customer.objects.filter(pk=source.pk).update(merged_into=into)
    into.refresh_from_db()
    dispatch("customer.merged", source=source, target=into, actor=actor)
    return into


@transaction.atomic
def create_portal_login(customer: Customer, *, password: str | None = None) -> User:
    """Give a customer a login for the portal and the API, on their primary email."""
    if customer.user_id is not None:
        assert customer.user is not None  # noqa: S101 - narrowed by the id check
        return customer.user
    identity = customer.identities.filter(kind=IdentityKind.EMAIL).order_by("-is_primary").first()
    if identity is None:
        raise ValidationFailed("The customer has no email address to sign in with.", field="email")
    if User.objects.filter(email=identity.value).exists():
        raise Conflict(f"A login for {identity.value} exists.", field="email")
    user = User.objects.create_user(
        identity.value, password, name=customer.name, role=Role.CUSTOMER
    )
    customer.user = user
    customer.save(update_fields=["user", "updated_at"])
    return user


@transaction.atomic
def create_organisation(
    *,
    name: str,
    tier: Tier = Tier.STANDARD,
    domains: tuple[str, ...] = (),
    account_manager: User | None = None,
    shared_tickets: bool = False,
) -> Organisation:
    if not name.strip():
        raise ValidationFailed("An organisation needs a name.", field="name")
    if Organisation.objects.filter(name__iexact=name.strip()).exists():
        raise Conflict(f"An organisation named {name!r} exists.", field="name")
    organisation = Organisation.objects.create(
        name=name.strip(),
        tier=tier,
        account_manager=account_manager,
        shared_tickets=shared_tickets,
    )
    for domain in domains:
        add_domain(organisation, domain=domain)
    return organisation


@dataclass(frozen=True)
class OrganisationFields:
    name: str | None = None
    tier: Tier | None = None
    account_manager: User | None = None
    clear_account_manager: bool = False
    shared_tickets: bool | None = None
    notes: str | None = None
    custom_attributes: dict[str, Any] | None = None


@transaction.atomic
def update_organisation(organisation: Organisation, *, fields: OrganisationFields) -> Organisation:
    old_name = organisation.name
    for name in ("name", "tier", "account_manager", "shared_tickets", "notes", "custom_attributes"):
        value = getattr(fields, name)
        if value is not None:
            setattr(organisation, name, value)
    if fields.clear_account_manager:
        organisation.account_manager = None
    if organisation.account_manager is not None and organisation.account_manager.is_customer:
        raise ValidationFailed("An account manager must be staff.", field="account_manager_id")
    organisation.name = organisation.name.strip()
    if not organisation.name:
        raise ValidationFailed("An organisation needs a name.", field="name")
    clash = Organisation.objects.filter(name__iexact=organisation.name).exclude(pk=organisation.pk)
    if clash.exists():
        raise Conflict(f"An organisation named {organisation.name!r} exists.", field="name")
    organisation.save(
        update_fields=[
            "name",
            "tier",
            "account_manager",
            "shared_tickets",
            "notes",
            "custom_attributes",
            "updated_at",
        ]
    )
    if organisation.name != old_name:
        dispatch("organisation.changed", organisation=organisation)
    return organisation


def add_domain(organisation: Organisation, *, domain: str) -> OrganisationDomain:
    domain = clean_domain(domain)
    owner = OrganisationDomain.objects.filter(domain=domain).first()
    if owner is not None and owner.organisation_id != organisation.pk:
        raise Conflict(f"{domain} belongs to another organisation.", field="domains")
    return owner or OrganisationDomain.objects.create(organisation=organisation, domain=domain)


def clean_domain(domain: str) -> str:
    """The stored form of an organisation's email domain; a free-mail domain is refused,
    since it would make every customer writing from it a member of the organisation."""
    domain = domain.strip().lower().lstrip("@")
    if "." not in domain or " " in domain:
        raise ValidationFailed(f"{domain!r} is not a domain.", field="domains")
    if is_free_mail_domain(domain):
        raise ValidationFailed(
            f"{domain} is a free-mail domain: anyone can have an address there, so it cannot "
            "name an organisation. Add its customers to the organisation one by one.",
            field="domains",
        )
    return domain


def remove_domain(organisation: Organisation, *, domain: str) -> None:
    """New customers from this domain no longer join the organisation; those who did stay."""
    OrganisationDomain.objects.filter(organisation=organisation, domain=domain).delete()


def _surviving(customer: Customer) -> Customer:
    seen = {customer.pk}
    while customer.merged_into_id is not None and customer.merged_into_id not in seen:
        seen.add(customer.merged_into_id)
        customer = Customer.objects.get(pk=customer.merged_into_id)
    return customer


def _validate(customer: Customer) -> None:
    try:
        customer.full_clean(exclude=["organisation", "user", "merged_into"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(messages[0], field=field) from None
