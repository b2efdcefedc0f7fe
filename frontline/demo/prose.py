"""Turning the texts of ``texts.py`` into messages: fill the placeholders, add greetings and
signatures. ``PooledProse`` renders a fixed number of variants once and reuses them, for
loads where the words matter less than the speed."""

import random
from collections.abc import Mapping
from string import Formatter
from typing import Any

from frontline.demo import replies, texts
from frontline.demo.texts import Entry

_FORMATTER = Formatter()


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, values: Mapping[str, str]) -> str:
    if "{" not in template:
        return template
    return _FORMATTER.vformat(template, (), _Values(values))


def _pick(rng: random.Random, entries: tuple[Entry, ...], kind: str) -> Entry:
    return rng.choice([e for e in entries if e.kind == kind])


class Prose:
    """Fresh text for every message, with values drawn per ticket."""

    def values(
        self, rng: random.Random, *, first_name: str, company: str, currency: str
    ) -> dict[str, str]:
        values = {key: rng.choice(options) for key, options in texts.VARIABLES.items()}
        values.update(
            first=first_name,
            company=company,
            order=f"BL-{rng.randint(100000, 999999)}",
            invoice=f"INV-{rng.randint(100000, 999999)}",
            amount=f"{currency}{rng.randint(9, 900)}.{rng.choice(('00', '50', '90', '99'))}",
            last4=f"{rng.randint(0, 9999):04d}",
            error=f"E{rng.randint(100, 9999)}",
            n=str(rng.randint(3, 60)),
        )
        return values

    def opening(
        self, rng: random.Random, category: texts.CategoryTexts, values: Mapping[str, str]
    ) -> tuple[str, str]:
        entry = rng.choice(category.of("opening"))
        return fill(entry.title, values), self.customer_body(rng, entry.body, values)

    def customer(self, rng: random.Random, kind: str, values: Mapping[str, str]) -> str:
        return self.customer_body(rng, _pick(rng, replies.CUSTOMER, kind).body, values)

    def customer_body(self, rng: random.Random, core: str, values: Mapping[str, str]) -> str:
        greeting = _pick(rng, replies.CUSTOMER, "greeting").body
        extra = _pick(rng, replies.CUSTOMER, "extra").body if rng.random() < 0.3 else ""
        closing = _pick(rng, replies.CUSTOMER, "closing").body
        middle = f"{fill(core, values)} {extra}".strip()
        return f"{greeting}\n\n{middle}\n\n{closing}\n{values['first']}".strip()

    def agent(
        self,
        rng: random.Random,
        kind: str,
        category: texts.CategoryTexts,
        values: Mapping[str, str],
        agent_name: str,
    ) -> str:
        own = category.of(kind)
        core = rng.choice(own).body if own else _pick(rng, replies.AGENT, kind).body
        greeting = fill(_pick(rng, replies.AGENT, "greeting").body, values)
        signoff = _pick(rng, replies.AGENT, "signoff").body
        name = agent_name.split()[0]
        return f"{greeting}\n\n{fill(core, values)}\n\n{signoff}\n{name}\nBrightline Support"

    def note(
        self,
        rng: random.Random,
        kind: str,
        category: texts.CategoryTexts,
        values: Mapping[str, str],
    ) -> str:
        own = category.of("note") if kind == "note" and rng.random() < 0.75 else ()
        return fill(rng.choice(own).body if own else _pick(rng, replies.AGENT, kind).body, values)


class PooledProse(Prose):
    """A few variants per kind of text, rendered once and picked from afterwards."""

    VARIANTS = 12

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._values = [
            super(PooledProse, self).values(rng, first_name=f, company="Merchant", currency="$")
            for f in ("Sam", "Alex", "Kim", "Lee")
        ]
        self._pool: dict[tuple[Any, ...], list[Any]] = {}

    def values(
        self, rng: random.Random, *, first_name: str, company: str, currency: str
    ) -> dict[str, str]:
        return self._values[0]

    def _pooled(self, key: tuple[Any, ...], render: Any) -> Any:
        pool = self._pool.get(key)
        if pool is None:
            pool = [render(self._rng.choice(self._values)) for _ in range(self.VARIANTS)]
            self._pool[key] = pool
        return self._rng.choice(pool)

    def opening(
        self, rng: random.Random, category: texts.CategoryTexts, values: Mapping[str, str]
    ) -> tuple[str, str]:
        result: tuple[str, str] = self._pooled(
            ("opening", category.slug), lambda v: super(PooledProse, self).opening(rng, category, v)
        )
        return result

    def customer(self, rng: random.Random, kind: str, values: Mapping[str, str]) -> str:
        render = super().customer
        return str(self._pooled(("customer", kind), lambda v: render(rng, kind, v)))

    def agent(
        self,
        rng: random.Random,
        kind: str,
        category: texts.CategoryTexts,
        values: Mapping[str, str],
        agent_name: str,
    ) -> str:
        render = super().agent
        key = ("agent", kind, category.slug)
        return str(self._pooled(key, lambda v: render(rng, kind, category, v, "Sam Support")))

    def note(
        self,
        rng: random.Random,
        kind: str,
        category: texts.CategoryTexts,
        values: Mapping[str, str],
    ) -> str:
        render = super().note
        return str(
            self._pooled(("note", kind, category.slug), lambda v: render(rng, kind, category, v))
        )
