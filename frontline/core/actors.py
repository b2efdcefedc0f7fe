"""Who did something: the actor passed to every service and stored on every event."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from frontline.accounts.models import User
    from frontline.customers.models import Customer


class ActorKind(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    SYSTEM = "system"
    BOT = "bot"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user: User | None = None
    customer: Customer | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(ActorKind.SYSTEM)

    @classmethod
    def bot(cls) -> Actor:
        return cls(ActorKind.BOT)

    @classmethod
    def for_customer(cls, customer: Customer) -> Actor:
        return cls(ActorKind.CUSTOMER, user=customer.user, customer=customer)

    @classmethod
    def for_user(cls, user: User) -> Actor:
        """The actor for a signed-in user: a customer's login acts as that customer."""
        if user.is_customer:
            # A customer login without a customer record acts as a customer who owns nothing.
            return cls(ActorKind.CUSTOMER, user=user, customer=user.customer_profile)
        return cls(ActorKind.AGENT, user=user)

    @property
    def is_agent(self) -> bool:
        return self.kind is ActorKind.AGENT

    @property
    def is_customer(self) -> bool:
        return self.kind is ActorKind.CUSTOMER

    @property
    def label(self) -> str:
        if self.user is not None and self.kind is ActorKind.AGENT:
            return self.user.name or self.user.email
        if self.customer is not None:
            return self.customer.name
        return self.kind.value
