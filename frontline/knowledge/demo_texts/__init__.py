"""The demo's help centre: its categories and sections, and the articles, written as text
blocks (one module per group of categories).

An article starts with a line ``=== category key / Section / visibility / tags / flags`` and
its title on the next line; the Markdown under it is the English text. A line ``--- de``
starts the German translation: its title, then its text. Flags: ``draft`` (not published),
``stale`` (last reviewed before the review period), ``de-draft`` (German not published yet),
``org=Name`` (for customers of that organisation; repeatable).
"""

from dataclasses import dataclass, field

# key (as the article headers name it), name, description, sections
CATEGORIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("start", "Getting started", "Your first days with Brightline.",
     ("First steps", "Plans")),
    ("account", "Account & sign-in", "Passwords, two-factor, single sign-on and people.",
     ("Signing in", "People and access")),
    ("billing", "Billing & refunds", "Invoices, charges, refunds and payouts.",
     ("Invoices", "Refunds", "Payouts")),
    ("orders", "Orders & shipping", "Hardware orders, deliveries and returns.",
     ("Deliveries", "Returns")),
    ("howto", "Product how-to", "Getting more out of the terminal and dashboard.",
     ("Payments", "Menu and stock", "Reports", "Integrations & API")),
    ("trouble", "Troubleshooting", "When something does not work as it should.",
     ("Terminals and readers", "Dashboard and app", "Payments")),
    ("policies", "Policies", "The rules we work by.", ("Policies",)),
    ("internal", "Internal playbooks", "For agents only: how we handle the hard cases.",
     ("Escalations", "Billing", "Accounts")),
)  # fmt: skip


@dataclass
class Text:
    title: str
    body: list[str] = field(default_factory=list)

    @property
    def markdown(self) -> str:
        return "\n".join(self.body).strip() + "\n"


@dataclass
class DemoArticle:
    category: str
    section: str
    visibility: str
    tags: list[str]
    flags: set[str]
    organisations: list[str]
    english: Text
    german: Text | None = None


def parse(block: str) -> list[DemoArticle]:
    articles: list[DemoArticle] = []
    current: Text | None = None
    expect_title = False
    for line in block.strip("\n").splitlines():
        if line.startswith("=== "):
            articles.append(_header(line[4:]))
            expect_title = True
            continue
        if line.strip() == "--- de":
            expect_title, current = True, None
            articles[-1].german = Text("")
            continue
        if expect_title:
            target = articles[-1].german if articles[-1].german is not None else None
            current = Text(line.strip())
            if target is not None:
                articles[-1].german = current
            else:
                articles[-1].english = current
            expect_title = False
            continue
        if current is not None:
            current.body.append(line)
    return articles


def _header(text: str) -> DemoArticle:
    category, section, visibility, tags, *rest = [p.strip() for p in text.split("/")]
    flags = set(rest[0].split()) if rest else set()
    organisations = [f[4:].replace("_", " ") for f in flags if f.startswith("org=")]
    return DemoArticle(
        category=category,
        section=section,
        visibility=visibility,
        tags=tags.split(),
        flags={f for f in flags if not f.startswith("org=")},
        organisations=organisations,
        english=Text(""),
    )


def all_articles() -> list[DemoArticle]:
    from frontline.knowledge.demo_texts import customer_a, customer_b, internal

    return [*parse(customer_a.BLOCK), *parse(customer_b.BLOCK), *parse(internal.BLOCK)]
