"""Who did something: the actor passed to every service and stored on every event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from frontline.accounts.models import User
    from frontline.customers.models import Customer

T = TypeVar("T")


class ActorKind(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    SYSTEM = "system"
    BOT = "bot"


@dataclass(frozen=True)
class Actor:
    """Who acts. An actor lives for one request, one job or one command: what it may see is
    worked out once (``remember``) and reused by every query of that request."""

    kind: ActorKind
    user: User | None = None
    customer: Customer | None = None
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def remember(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``key`` is asked for, the same value afterwards."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]

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
