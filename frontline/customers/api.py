"""Customers and organisations: /api/v1/customers, /api/v1/organisations.

A customer's page lists their tickets: the tickets app contributes that field
(``frontline/contributions.py``), so customers never imports tickets.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as Created

from frontline.accounts.api import EMAIL_FORMAT
from frontline.accounts.api_auth import staff_actor as staff_reader
from frontline.accounts.models import User
from frontline.accounts.permissions import can_manage_customers, is_staff_member
from frontline.core.actors import Actor
from frontline.core.api_support import (
    NO_NUL,
    NON_BLANK,
    InputSchema,
    responses,
)
from frontline.core.api_support import ObjectId as Id
from frontline.core.contributions import field_values, schema_with_fields
from frontline.core.errors import Conflict, NotFound, PermissionDenied
from frontline.core.pagination import paginate
from frontline.customers import services
from frontline.customers.models import (
    Customer,
    Identity,
    IdentityKind,
    Organisation,
    OrganisationDomain,
    Tier,
)

router = Router(tags=["customers"])

TierName = Literal["standard", "premium", "enterprise"]
IdentityKindName = Literal["email", "phone", "chat", "social"]
AttributeKey = Annotated[str, Field(min_length=1, max_length=100, pattern=NO_NUL)]
AttributeValue = (
    Annotated[str, Field(max_length=1000, pattern=NO_NUL)]
    | int
    | Annotated[float, Field(allow_inf_nan=False)]
    | bool
    | None
)
Attributes = Annotated[
    dict[AttributeKey, AttributeValue],
    Field(max_length=100, description="Flat key/value pairs, e.g. from a CRM."),
]
Domain = Annotated[str, Field(max_length=253, pattern=r"^@?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")]


class RefOut(Schema):
    id: int
    name: str


class AccountManagerOut(Schema):
    """A staff member, who always has an email address. Not named ``PersonOut``: OpenAPI
    keeps one schema per name, and the tickets' people (customers) may have none."""

    id: int
    name: str
    email: str


class IdentityOut(Schema):
    id: int
    kind: IdentityKindName
    value: str
    is_primary: bool
    is_flagged: bool

    @classmethod
    def from_model(cls, identity: Identity) -> "IdentityOut":
        fields: dict[str, Any] = {
            "id": identity.pk,
            "kind": identity.kind,
            "value": identity.value,
            "is_primary": identity.is_primary,
            "is_flagged": identity.is_flagged,
        }
        return cls(**fields)


class CustomerOut(Schema):
    id: int
    name: str
    email: str | None
    organisation: RefOut | None
    language: str
    time_zone: str
    is_vip: bool
    custom_attributes: dict[str, Any]
    has_portal_login: bool
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def fields_of(customer: Customer) -> dict[str, Any]:
        emails = [i.value for i in customer.identities.all() if i.kind == IdentityKind.EMAIL]
        organisation = customer.organisation
        return {
            "id": customer.pk,
            "name": customer.name,
            "email": next(iter(emails), None),
            "organisation": {"id": organisation.pk, "name": organisation.name}
            if organisation
            else None,
            "language": customer.language,
            "time_zone": customer.time_zone,
            "is_vip": customer.is_vip,
            "custom_attributes": customer.custom_attributes,
            "has_portal_login": customer.user_id is not None,
            "merged_into_id": customer.merged_into_id,
            "created_at": customer.created_at,
            "updated_at": customer.updated_at,
        }

    @classmethod
    def from_model(cls, customer: Customer) -> "CustomerOut":
        return cls(**cls.fields_of(customer))


class _CustomerDetailBase(CustomerOut):
    identities: list[IdentityOut]


if TYPE_CHECKING:
    CustomerDetailOut = _CustomerDetailBase
else:
    # With their latest tickets, and whatever else other apps add (frontline/contributions.py).
    CustomerDetailOut = schema_with_fields(
        _CustomerDetailBase, name="CustomerDetailOut", kind="customer.detail_fields"
    )


class CustomerPageOut(Schema):
    items: list[CustomerOut]
    next: str | None


class CustomerFilters(Schema):
    email: str | None = Field(None, max_length=320, pattern=NO_NUL, description="Exact address.")
    q: str | None = Field(None, max_length=200, pattern=NO_NUL, description="Name or identity.")
    organisation_id: Id | None = None
    cursor: str | None = Field(None, max_length=1000, pattern=NO_NUL)
    page_size: int | None = Field(None, ge=1, le=100)


class CustomerCreateIn(InputSchema):
    name: str = Field(max_length=200, pattern=NON_BLANK)
    email: str | None = Field(None, min_length=3, max_length=254, json_schema_extra=EMAIL_FORMAT)
    organisation_id: Id | None = Field(
        None, description="Omit to match the organisation by the email's domain."
    )
    language: str = Field("en", max_length=16, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
    time_zone: str = Field("UTC", max_length=64, pattern=NO_NUL)
    is_vip: bool = False
    custom_attributes: Attributes = Field(default_factory=dict)


class CustomerUpdateIn(InputSchema):
    name: str | None = Field(None, max_length=200, pattern=NON_BLANK)
    organisation_id: Id | None = Field(None, description="null leaves the organisation as it is.")
    language: str | None = Field(
        None, max_length=16, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
    )
    time_zone: str | None = Field(None, max_length=64, pattern=NO_NUL)
    is_vip: bool | None = None
    custom_attributes: Attributes | None = Field(None, description="Replaces all attributes.")


class IdentityIn(InputSchema):
    kind: IdentityKindName
    value: str = Field(max_length=320, pattern=NON_BLANK)


class CustomerMergeIn(InputSchema):
    into_id: Id = Field(description="The customer that remains; this one is folded into it.")


class OrganisationOut(Schema):
    id: int
    name: str
    tier: TierName
    domains: list[str]
    account_manager: AccountManagerOut | None
    shared_tickets: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def fields_of(organisation: Organisation) -> dict[str, Any]:
        manager = organisation.account_manager
        return {
            "id": organisation.pk,
            "name": organisation.name,
            "tier": organisation.tier,
            "domains": sorted(d.domain for d in organisation.domains.all()),
            "account_manager": {"id": manager.pk, "name": str(manager), "email": manager.email}
            if manager
            else None,
            "shared_tickets": organisation.shared_tickets,
            "created_at": organisation.created_at,
            "updated_at": organisation.updated_at,
        }

    @classmethod
    def from_model(cls, organisation: Organisation) -> "OrganisationOut":
        return cls(**cls.fields_of(organisation))


class OrganisationDetailOut(OrganisationOut):
    notes: str
    custom_attributes: dict[str, Any]
    customer_count: int


class OrganisationPageOut(Schema):
    items: list[OrganisationOut]
    next: str | None


class OrganisationFilters(Schema):
    q: str | None = Field(None, max_length=200, pattern=NO_NUL, description="Name or domain.")
    cursor: str | None = Field(None, max_length=1000, pattern=NO_NUL)
    page_size: int | None = Field(None, ge=1, le=100)


class OrganisationCreateIn(InputSchema):
    name: str = Field(max_length=200, pattern=NON_BLANK)
    tier: TierName = "standard"
    domains: list[Domain] = Field(default_factory=list, max_length=50)
    account_manager_id: Id | None = None
    shared_tickets: bool = Field(False, description="Members see every ticket of the organisation.")


class OrganisationUpdateIn(InputSchema):
    name: str | None = Field(None, max_length=200, pattern=NON_BLANK)
    tier: TierName | None = None
    account_manager_id: Id | None = Field(None, description="null removes the account manager.")
    shared_tickets: bool | None = None
    notes: str | None = Field(None, max_length=100_000, pattern=NO_NUL)
    custom_attributes: Attributes | None = Field(None, description="Replaces all attributes.")


class DomainIn(InputSchema):
    domain: Domain


@router.get("/customers", response=responses({200: CustomerPageOut}), summary="List customers")
def list_customers(request: HttpRequest, filters: Query[CustomerFilters]) -> CustomerPageOut:
    staff_reader(request)
    customers = Customer.objects.filter(merged_into__isnull=True)
    if filters.email:
        owners = Identity.objects.filter(
            kind=IdentityKind.EMAIL, value=filters.email.strip().lower()
        )
        customers = customers.filter(pk__in=owners.values("customer_id"))
    if filters.q:
        term = filters.q.strip()
        matching = Identity.objects.filter(value__icontains=term)
        customers = customers.filter(
            Q(name__icontains=term) | Q(pk__in=matching.values("customer_id"))
        )
    if filters.organisation_id is not None:
        customers = customers.filter(organisation_id=filters.organisation_id)
    page = paginate(
        _with_identities(customers),
        request,
        order=("name", "id"),
        cursor=filters.cursor,
        page_size=filters.page_size,
    )
    return CustomerPageOut(items=[CustomerOut.from_model(c) for c in page.items], next=page.next)


@router.post("/customers", response=responses({201: CustomerDetailOut}), summary="Add a customer")
def create_customer(request: HttpRequest, payload: CustomerCreateIn) -> Created[CustomerDetailOut]:
    actor = _manager(request)
    organisation = (
        _organisation(payload.organisation_id) if payload.organisation_id is not None else None
    )
    customer = services.create_customer(
        name=payload.name,
        email=payload.email,
        organisation=organisation,
        language=payload.language,
        time_zone=payload.time_zone,
        is_vip=payload.is_vip,
        custom_attributes=payload.custom_attributes,
    )
    return Created(201, _customer_detail(actor, customer.pk))


@router.get(
    "/customers/{customer_id}", response=responses({200: CustomerDetailOut}), summary="Read"
)
def get_customer(request: HttpRequest, customer_id: int) -> CustomerDetailOut:
    return _customer_detail(staff_reader(request), customer_id)


@router.patch(
    "/customers/{customer_id}", response=responses({200: CustomerDetailOut}), summary="Change"
)
def update_customer(
    request: HttpRequest, customer_id: int, payload: CustomerUpdateIn
) -> CustomerDetailOut:
    actor = _manager(request)
    customer = _live_customer(customer_id)
    fields = services.CustomerFields(
        name=payload.name.strip() if payload.name is not None else None,
        organisation=(
            _organisation(payload.organisation_id) if payload.organisation_id is not None else None
        ),
        language=payload.language,
        time_zone=payload.time_zone,
        is_vip=payload.is_vip,
        custom_attributes=payload.custom_attributes,
    )
    services.update_customer(customer, fields=fields)
    return _customer_detail(actor, customer_id)


@router.post(
    "/customers/{customer_id}/identities",
    response=responses({201: CustomerDetailOut}),
    summary="Add an address",
)
def add_identity(
    request: HttpRequest, customer_id: int, payload: IdentityIn
) -> Created[CustomerDetailOut]:
    actor = _manager(request)
    customer = _live_customer(customer_id)
    services.add_identity(customer, kind=IdentityKind(payload.kind), value=payload.value)
    return Created(201, _customer_detail(actor, customer_id))


@router.delete(
    "/customers/{customer_id}/identities/{identity_id}",
    response=responses({200: CustomerDetailOut}),
    summary="Remove an address",
)
def remove_identity(request: HttpRequest, customer_id: int, identity_id: int) -> CustomerDetailOut:
    actor = _manager(request)
    customer = _live_customer(customer_id)
    identity = customer.identities.filter(pk=identity_id).first()
    if identity is None:
        raise NotFound(f"Customer {customer_id} has no identity {identity_id}.")
    services.remove_identity(identity)
    return _customer_detail(actor, customer_id)


@router.post(
    "/customers/{customer_id}/merge",
    response=responses({200: CustomerDetailOut}),
    summary="Merge into another customer",
)
def merge_customer(
    request: HttpRequest, customer_id: int, payload: CustomerMergeIn
) -> CustomerDetailOut:
    actor = _manager(request)
    source = _customer(customer_id)
    target = _customer(payload.into_id, field="into_id")
    survivor = services.merge_customers(source, into=target, actor=actor)
    return _customer_detail(actor, survivor.pk)


@router.get(
    "/organisations", response=responses({200: OrganisationPageOut}), summary="List organisations"
)
def list_organisations(
    request: HttpRequest, filters: Query[OrganisationFilters]
) -> OrganisationPageOut:
    staff_reader(request)
    organisations = Organisation.objects.all()
    if filters.q:
        term = filters.q.strip()
        by_domain = OrganisationDomain.objects.filter(domain__icontains=term)
        organisations = organisations.filter(
            Q(name__icontains=term) | Q(pk__in=by_domain.values("organisation_id"))
        )
    page = paginate(
        _with_organisation_relations(organisations),
        request,
        order=("name", "id"),
        cursor=filters.cursor,
        page_size=filters.page_size,
    )
    return OrganisationPageOut(
        items=[OrganisationOut.from_model(o) for o in page.items], next=page.next
    )


@router.post("/organisations", response=responses({201: OrganisationDetailOut}), summary="Add one")
def create_organisation(
    request: HttpRequest, payload: OrganisationCreateIn
) -> Created[OrganisationDetailOut]:
    _manager(request)
    organisation = services.create_organisation(
        name=payload.name,
        tier=Tier(payload.tier),
        domains=tuple(payload.domains),
        account_manager=(
            _account_manager(payload.account_manager_id)
            if payload.account_manager_id is not None
            else None
        ),
        shared_tickets=payload.shared_tickets,
    )
    return Created(201, _organisation_detail(organisation.pk))


@router.get(
    "/organisations/{organisation_id}",
    response=responses({200: OrganisationDetailOut}),
    summary="Read an organisation",
)
def get_organisation(request: HttpRequest, organisation_id: int) -> OrganisationDetailOut:
    staff_reader(request)
    return _organisation_detail(organisation_id)


@router.patch(
    "/organisations/{organisation_id}",
    response=responses({200: OrganisationDetailOut}),
    summary="Change an organisation",
)
def update_organisation(
    request: HttpRequest, organisation_id: int, payload: OrganisationUpdateIn
) -> OrganisationDetailOut:
    _manager(request)
    organisation = _organisation(organisation_id, field=None)
    given = payload.model_fields_set
    fields = services.OrganisationFields(
        name=payload.name.strip() if payload.name is not None else None,
        tier=Tier(payload.tier) if payload.tier is not None else None,
        account_manager=(
            _account_manager(payload.account_manager_id)
            if payload.account_manager_id is not None
            else None
        ),
        clear_account_manager="account_manager_id" in given and payload.account_manager_id is None,
        shared_tickets=payload.shared_tickets,
        notes=payload.notes,
        custom_attributes=payload.custom_attributes,
    )
    services.update_organisation(organisation, fields=fields)
    return _organisation_detail(organisation_id)


@router.post(
    "/organisations/{organisation_id}/domains",
    response=responses({201: OrganisationDetailOut}),
    summary="Add an email domain",
)
def add_domain(
    request: HttpRequest, organisation_id: int, payload: DomainIn
) -> Created[OrganisationDetailOut]:
    _manager(request)
    organisation = _organisation(organisation_id, field=None)
    services.add_domain(organisation, domain=payload.domain)
    return Created(201, _organisation_detail(organisation_id))


def _manager(request: HttpRequest) -> Actor:
    actor = staff_reader(request)
    if actor.user is None or not can_manage_customers(actor.user):
        raise PermissionDenied("Your role may read customers and organisations, not change them.")
    return actor


def _with_identities(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    identities = Identity.objects.order_by("-is_primary", "id")
    return customers.select_related("organisation").prefetch_related(
        Prefetch("identities", identities)
    )


def _customer(customer_id: int, *, field: str | None = None) -> Customer:
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(f"There is no customer {customer_id}.", field=field)
    return customer


def _live_customer(customer_id: int) -> Customer:
    customer = _customer(customer_id)
    if customer.merged_into_id is not None:
        raise Conflict(
            f"Customer {customer_id} was merged into customer {customer.merged_into_id}; "
            "change that one instead."
        )
    return customer


def _customer_detail(actor: Actor, customer_id: int) -> CustomerDetailOut:
    customer = _with_identities(Customer.objects.filter(pk=customer_id)).first()
    if customer is None:
        raise NotFound(f"There is no customer {customer_id}.")
    return CustomerDetailOut(
        **CustomerOut.fields_of(customer),
        identities=[IdentityOut.from_model(i) for i in customer.identities.all()],
        **field_values("customer.detail_fields", customer, actor=actor, now=timezone.now()),
    )


def _organisation(organisation_id: int, *, field: str | None = "organisation_id") -> Organisation:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound(f"There is no organisation {organisation_id}.", field=field)
    return organisation


def _account_manager(user_id: int) -> User:
    manager = User.objects.filter(pk=user_id).first()
    if manager is None or not is_staff_member(manager):
        raise NotFound(f"There is no active staff member {user_id}.", field="account_manager_id")
    return manager


def _with_organisation_relations(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    domains = OrganisationDomain.objects.order_by("domain")
    return organisations.select_related("account_manager").prefetch_related(
        Prefetch("domains", domains)
    )


def _organisation_detail(organisation_id: int) -> OrganisationDetailOut:
    organisations = Organisation.objects.filter(pk=organisation_id)
    organisation = _with_organisation_relations(organisations).first()
    if organisation is None:
        raise NotFound(f"There is no organisation {organisation_id}.")
    customers = organisation.customers.filter(merged_into__isnull=True)
    return OrganisationDetailOut(
        **OrganisationOut.fields_of(organisation),
        notes=organisation.notes,
        custom_attributes=organisation.custom_attributes,
        customer_count=customers.count(),
    )
